// Models, league races, submissions, leaderboards and live updates against
// the real server on loopback, with real models in native ONNX Runtime.
#include <gtest/gtest.h>

#include "db.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "model_corpus.h"
#include "server_process.h"
#include "trace_check.h"
#include "league_db.h"

namespace pw::testing {
namespace {

std::string InHours(double hours) {
  const auto t = std::chrono::system_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(hours * 3600 * 1000));
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class League : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(TempDir("league"));
    admin_ = new ApiClient(*server_);
    admin_->SignUpAdmin("steward");
  }
  static void TearDownTestSuite() {
    // Every evaluation this test made replays exactly from its trace.
    ExpectEveryRunReplays(server_->data_dir());
    delete admin_;
    delete server_;
  }
  // A race open now unless told otherwise.
  static int64_t CreateRace(json overrides = json::object()) {
    json body = {{"name", "Test Race"}, {"track_id", "pitwall_park"}, {"closes_at", InHours(24)}};
    for (auto& [k, v] : overrides.items()) body[k] = v;
    auto r = admin_->Post("/api/v1/races", body);
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["id"];
  }
  static int64_t UploadModel(ApiClient& c, const std::string& bytes, const std::string& name = "m") {
    auto r = c.Upload(bytes, name);
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["id"];
  }
  // Waits until a submission is COMPLETED or FAILED.
  static json WaitFinished(ApiClient& c, int64_t id) {
    for (int i = 0; i < 400; ++i) {
      json s = json::parse(c.Get("/api/v1/submissions/" + std::to_string(id))->body);
      if (s["status"] == "COMPLETED" || s["status"] == "FAILED") return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "submission " << id << " did not finish";
    return {};
  }
  static json Board(int64_t race) {
    ApiClient anon(*server_);
    return json::parse(anon.Get("/api/v1/races/" + std::to_string(race) + "/leaderboard")->body);
  }
  static ServerProcess* server_;
  static ApiClient* admin_;
};
ServerProcess* League::server_ = nullptr;
ApiClient* League::admin_ = nullptr;

TEST_F(League, TheWholeRacerJourney) {
  const int64_t race = CreateRace();
  ApiClient alice(*server_);
  alice.SignUp("alice");
  const int64_t slow = UploadModel(alice, Starter("quarry-steady"), "steady");
  const int64_t fast = UploadModel(alice, Starter("park-state"), "rapid");

  auto models = json::parse(alice.Get("/api/v1/models")->body)["models"];
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0]["metadata"]["action_space_type"], "continuous");

  // A submission is queued with its position, then completes with its laps.
  auto r = alice.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", slow}});
  ASSERT_EQ(r->status, 202) << r->body;
  json sub = json::parse(r->body);
  EXPECT_EQ(sub["status"], "QUEUED");
  EXPECT_GE(sub["queue_position"].get<int>(), 1);
  json done = WaitFinished(alice, sub["id"]);
  ASSERT_EQ(done["status"], "COMPLETED") << done.dump();
  ASSERT_EQ(done["laps"].size(), 3u);
  EXPECT_EQ(done["laps"][0]["status"], "complete");
  const int64_t slow_ms = done["result"]["ranking_ms"];

  json board = Board(race);
  ASSERT_EQ(board["entries"].size(), 1u);
  EXPECT_EQ(board["entries"][0]["alias"], "alice");
  EXPECT_EQ(board["entries"][0]["ranking_ms"], slow_ms);
  EXPECT_EQ(board["entries"][0]["rank"], 1);
  EXPECT_EQ(board["entries"][0]["submissions"], 1);

  // A faster one replaces it ...
  r = alice.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", fast}});
  const json fast_done = WaitFinished(alice, json::parse(r->body)["id"]);
  const int64_t fast_ms = fast_done["result"]["ranking_ms"];
  ASSERT_LT(fast_ms, slow_ms);
  board = Board(race);
  ASSERT_EQ(board["entries"].size(), 1u);
  EXPECT_EQ(board["entries"][0]["ranking_ms"], fast_ms);
  EXPECT_EQ(board["entries"][0]["submission_id"], fast_done["id"]);

  // ... a slower one does not.
  r = alice.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", slow}});
  WaitFinished(alice, json::parse(r->body)["id"]);
  board = Board(race);
  EXPECT_EQ(board["entries"][0]["ranking_ms"], fast_ms);
  EXPECT_EQ(board["entries"][0]["submissions"], 3);

  // A second racer behind: the gap is measured to the leader.
  ApiClient bob(*server_);
  bob.SignUp("bob");
  r = bob.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", UploadModel(bob, Starter("quarry-steady"))}});
  WaitFinished(bob, json::parse(r->body)["id"]);
  board = Board(race);
  ASSERT_EQ(board["entries"].size(), 2u);
  EXPECT_EQ(board["entries"][1]["alias"], "bob");
  EXPECT_EQ(board["entries"][1]["rank"], 2);
  EXPECT_EQ(board["entries"][1]["gap_ms"], board["entries"][1]["ranking_ms"].get<int64_t>() - fast_ms);

  // Everything a racer did is listed for them.
  EXPECT_EQ(json::parse(alice.Get("/api/v1/races/" + std::to_string(race) + "/submissions")->body)["submissions"].size(), 3u);
}

TEST_F(League, FailedSubmissionsSayWhy) {
  const int64_t strict = CreateRace({{"reset_on_off_track", false}});
  ApiClient carol(*server_);
  carol.SignUp("carol");
  // Random weights drive off the track at once: no lap, no place.
  auto r = carol.Post("/api/v1/races/" + std::to_string(strict) + "/submissions",
                      {{"model_id", UploadModel(carol, ValidModel(ContinuousStateMetadata()))}});
  json done = WaitFinished(carol, json::parse(r->body)["id"]);
  EXPECT_EQ(done["status"], "FAILED");
  EXPECT_EQ(done["reason"], "completed 0 consecutive laps; the race needs 3");
  EXPECT_NE(done["laps"][0]["status"], "complete");  // off track or reversed: it ended the lap
  // A model whose outputs overflow: a model error.
  auto layers = RandomLayers(8, 16, 2);
  for (float& w : layers[1].weights) w = 3.0e38f;
  for (float& b : layers[1].bias) b = 3.0e38f;
  r = carol.Post("/api/v1/races/" + std::to_string(strict) + "/submissions",
                 {{"model_id", UploadModel(carol, models::WriteMlpModel(layers, ContinuousStateMetadata()))}});
  done = WaitFinished(carol, json::parse(r->body)["id"]);
  EXPECT_EQ(done["status"], "FAILED");
  EXPECT_EQ(done["reason"].get<std::string>().rfind("model error: output", 0), 0u) << done["reason"];
  EXPECT_TRUE(Board(strict)["entries"].empty());
}

TEST_F(League, ModelLibrary) {
  ApiClient dave(*server_), eve(*server_);
  dave.SignUp("dave");
  eve.SignUp("eve");
  const int64_t id = UploadModel(dave, Starter("park-state"), "first");
  auto r = dave.Patch("/api/v1/models/" + std::to_string(id), {{"name", "renamed"}});
  EXPECT_EQ(json::parse(r->body)["name"], "renamed");
  const std::string sha = json::parse(r->body)["sha256"];
  EXPECT_TRUE(std::filesystem::exists(server_->data_dir() + "/models/" + sha + ".onnx")) << "stored by SHA-256";
  // Another racer's model is not there for eve.
  EXPECT_EQ(eve.Get("/api/v1/models/" + std::to_string(id))->status, 404);
  EXPECT_EQ(eve.Patch("/api/v1/models/" + std::to_string(id), {{"name", "mine now"}})->status, 404);
  EXPECT_EQ(eve.Delete("/api/v1/models/" + std::to_string(id))->status, 404);
  const int64_t race = CreateRace();
  r = eve.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", id}});
  EXPECT_EQ(r->status, 404);
  // The gate's reason comes back on refusal.
  r = dave.Upload("not a model at all");
  ASSERT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["type"], "https://pitwall.dev/problems/model-refused");
  EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find("not an ONNX model"), std::string::npos);
  // Deleting a model a live submission uses keeps its file until the race closes.
  r = dave.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", id}});
  WaitFinished(dave, json::parse(r->body)["id"]);
  EXPECT_EQ(dave.Delete("/api/v1/models/" + std::to_string(id))->status, 204);
  EXPECT_TRUE(json::parse(dave.Get("/api/v1/models")->body)["models"].empty());
  EXPECT_TRUE(std::filesystem::exists(server_->data_dir() + "/models/" + sha + ".onnx"));
  // Another racer's submission is not there either.
  EXPECT_EQ(eve.Get("/api/v1/submissions/" + json::parse(r->body)["id"].dump())->status, 404);
}

TEST_F(League, RaceCreationRulesAndFieldErrors) {
  ApiClient racer(*server_);
  racer.SignUp("not-an-admin");
  EXPECT_EQ(racer.Post("/api/v1/races", {{"name", "Mine"}, {"track_id", "pitwall_park"}, {"closes_at", InHours(1)}})->status, 403);
  auto r = admin_->Post("/api/v1/races", {{"name", ""}, {"track_id", "monza"}, {"laps", 0}, {"min_laps", 11}, {"timing_method", "FASTEST"},
                                          {"off_track_penalty_ms", 20000}, {"opens_at", "yesterday"}, {"race_type", "DRAG_RACE"}});
  ASSERT_EQ(r->status, 422);
  std::set<std::string> fields;
  const json problem = json::parse(r->body);
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  for (const char* f : {"name", "track_id", "laps", "min_laps", "timing_method", "off_track_penalty_ms", "opens_at", "closes_at", "race_type"})
    EXPECT_TRUE(fields.count(f)) << "no error for " << f << ": " << r->body;
  r = admin_->Post("/api/v1/races", {{"name", "Backwards"}, {"track_id", "pitwall_park"}, {"opens_at", InHours(2)}, {"closes_at", InHours(1)}});
  EXPECT_EQ(json::parse(r->body)["errors"][0]["field"], "closes_at");
  r = admin_->Post("/api/v1/races", {{"name", "Total"}, {"track_id", "pitwall_park"}, {"closes_at", InHours(1)}, {"timing_method", "TOTAL_TIME"},
                                     {"laps", 5}, {"min_laps", 3}});
  EXPECT_EQ(json::parse(r->body)["errors"][0]["message"], "TOTAL_TIME races need min_laps equal to laps");
}

TEST_F(League, RaceWindowsAndSubmissionLimits) {
  const int64_t upcoming = CreateRace({{"name", "Later"}, {"opens_at", InHours(5)}, {"closes_at", InHours(6)}});
  const int64_t closed = CreateRace({{"name", "Over"}, {"opens_at", InHours(-5)}, {"closes_at", InHours(-4)}});
  const int64_t limited = CreateRace({{"name", "Once"}, {"max_submissions", 1}});
  ApiClient frank(*server_);
  frank.SignUp("frank");
  const int64_t m = UploadModel(frank, Starter("park-state"));
  auto r = frank.Post("/api/v1/races/" + std::to_string(upcoming) + "/submissions", {{"model_id", m}});
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(json::parse(r->body)["type"], "https://pitwall.dev/problems/race-not-open");
  r = frank.Post("/api/v1/races/" + std::to_string(closed) + "/submissions", {{"model_id", m}});
  EXPECT_EQ(json::parse(r->body)["type"], "https://pitwall.dev/problems/race-closed");
  EXPECT_EQ(frank.Post("/api/v1/races/" + std::to_string(limited) + "/submissions", {{"model_id", m}})->status, 202);
  r = frank.Post("/api/v1/races/" + std::to_string(limited) + "/submissions", {{"model_id", m}});
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(json::parse(r->body)["detail"], "you have used all 1 submissions allowed in this race");
  EXPECT_EQ(frank.Post("/api/v1/races/999999/submissions", {{"model_id", m}})->status, 404);

  ApiClient anon(*server_);
  auto has = [&](const std::string& filter, int64_t id) {
    const json list = json::parse(anon.Get("/api/v1/races?status=" + filter)->body);
    for (const auto& race : list["races"])
      if (race["id"] == id) return true;
    return false;
  };
  EXPECT_TRUE(has("upcoming", upcoming));
  EXPECT_FALSE(has("open", upcoming));
  EXPECT_TRUE(has("closed", closed));
  EXPECT_TRUE(has("open", limited));
  EXPECT_EQ(anon.Get("/api/v1/races?status=soon")->status, 400);
}

TEST_F(League, TermsMustBeAcceptedBeforeTheFirstSubmission) {
  const int64_t race = CreateRace();
  ApiClient gina(*server_);
  gina.SignUp("gina", /*accept_terms=*/false);
  const int64_t m = UploadModel(gina, Starter("park-state"));
  auto r = gina.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", m}});
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["type"], "https://pitwall.dev/problems/terms-required");
  gina.Post("/api/v1/me/terms", {{"accept", true}});
  EXPECT_EQ(gina.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", m}})->status, 202);
}

TEST_F(League, LeaderboardCachingAndCors) {
  const int64_t race = CreateRace();
  ApiClient anon(*server_);
  const std::string path = "/api/v1/races/" + std::to_string(race) + "/leaderboard";
  auto r = anon.Get(path);
  ASSERT_EQ(r->status, 200);
  const std::string etag = r->get_header_value("ETag");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u) << "a repeated CORS header makes browsers refuse it";
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Credentials"));
  EXPECT_EQ(r->get_header_value("Cache-Control"), "public, no-cache");
  auto again = anon.http.Get(path.c_str(), {{"If-None-Match", etag}});
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  // A new submission changes the revision, so the old ETag no longer matches.
  ApiClient hal(*server_);
  hal.SignUp("hal");
  hal.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", UploadModel(hal, Starter("park-state"))}});
  EXPECT_EQ(anon.http.Get(path.c_str(), {{"If-None-Match", etag}})->status, 200);
  // Pagination.
  EXPECT_EQ(anon.Get(path + "?limit=0")->status, 400);
  EXPECT_EQ(anon.Get(path + "?offset=-1")->status, 400);
  EXPECT_EQ(anon.Get(path + "?limit=abc")->status, 400);
  const json page = json::parse(anon.Get(path + "?offset=0&limit=1")->body);
  EXPECT_EQ(page["limit"], 1);
  EXPECT_EQ(anon.Get("/api/v1/races/424242/leaderboard")->status, 404);
}

TEST_F(League, LiveUpdatesArriveOverServerSentEvents) {
  const int64_t race = CreateRace();
  std::atomic<bool> saw_completed{false}, saw_leaderboard{false};
  std::string received;
  std::thread listener([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    c.Get(("/api/v1/races/" + std::to_string(race) + "/events").c_str(), [&](const char* data, size_t n) {
      received.append(data, n);
      if (received.find("\"status\":\"COMPLETED\"") != std::string::npos) saw_completed = true;
      if (received.find("event: leaderboard") != std::string::npos && saw_completed) saw_leaderboard = true;
      return !(saw_completed && saw_leaderboard);
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ApiClient ivy(*server_);
  ivy.SignUp("ivy");
  ivy.Post("/api/v1/races/" + std::to_string(race) + "/submissions", {{"model_id", UploadModel(ivy, Starter("park-state"))}});
  listener.join();
  EXPECT_TRUE(saw_completed) << received;
  EXPECT_TRUE(saw_leaderboard) << received;
  EXPECT_NE(received.find("event: hello"), std::string::npos);
  EXPECT_NE(received.find("\"status\":\"QUEUED\""), std::string::npos);
}

// A race stores every one of its rules (not only those with a column): a run replays under the rules
// it was raced with, whatever the defaults of the binary that replays it. Races made before the
// rules were stored get their columns plus the defaults they were raced with, on migration.
TEST(RaceRules, EveryRuleIsStoredAndOldRacesGetTheirsWhenMigrated) {
  ServerProcess server(TempDir("rules"));
  ApiClient admin(server);
  admin.SignUpAdmin("clerk");
  auto created = admin.Post("/api/v1/races", {{"name", "Rules"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"},
                                              {"laps", 4}, {"min_laps", 2}, {"timing_method", "AVG_LAP_TIME"}, {"off_track_penalty_ms", 1500},
                                              // the default seed: a race from before race types gets it (a time trial uses none)
                                              {"course_seed", 1}});
  ASSERT_EQ(created->status, 201) << created->body;
  const int64_t id = Body(created)["id"];
  const std::string path = "/api/v1/races/" + std::to_string(id);
  const json rules = Body(admin.Get(path))["rules"];
  EXPECT_EQ(rules["laps"], 4);
  EXPECT_EQ(rules["timing_method"], "AVG_LAP_TIME");
  EXPECT_EQ(rules.size(), 13u) << rules.dump();  // a time trial names no boxes or bots
  const auto stored = [&] {
    auto league_db = OpenLeagueDb(server.data_dir());
    db::Connection& db = *league_db;
    db::Statement q(db, "SELECT rules_json FROM races WHERE id = ?");
    q.bind(1, id);
    EXPECT_TRUE(q.executeStep());
    return q.getColumn(0).isNull() ? json() : json::parse(q.getColumn(0).getString());
  };
  EXPECT_EQ(stored(), rules);

  // The stored rules are the race's, not the binary's defaults.
  ASSERT_TRUE(server.Stop());
  json changed = rules;
  changed["immobilised_penalty_ms"] = 4321;
  {
    auto league_db = OpenLeagueDb(server.data_dir());
    db::Connection& db = *league_db;
    db::Statement u(db, "UPDATE races SET rules_json = ? WHERE id = ?");
    u.bind(1, changed.dump());
    u.bind(2, id);
    u.exec();
  }
  server.Start();
  const auto get_rules = [&] {  // a new client: the restarted server listens on another port
    ApiClient again(server);
    again.token = admin.token;
    auto r = again.Get(path);
    EXPECT_TRUE(r && r->status == 200);
    return r && r->status == 200 ? Body(r)["rules"] : json();
  };
  EXPECT_EQ(get_rules()["immobilised_penalty_ms"], 4321);

  // A league from before (schema 4: no rules_json column). Migrating gives the race its columns' rules and
  // the defaults for the rest. (SQLite's history only: PostgreSQL's schema begins where SQLite's migration 5 ended.)
  if (OnPostgres()) return;
  ASSERT_TRUE(server.Stop());
  {
    auto league_db = OpenLeagueDb(server.data_dir());
    db::Connection& db = *league_db;
    db.exec("ALTER TABLE races DROP COLUMN rules_json");
    db.exec("ALTER TABLE submissions DROP COLUMN lease_until");  // migration 6's
    db.exec("ALTER TABLE submissions DROP COLUMN crash_count");  // migration 7's
    db.exec("PRAGMA user_version = 4");
  }
  server.Start();
  EXPECT_NE(server.startup_output().find("(schema 7)"), std::string::npos) << server.startup_output();
  EXPECT_EQ(get_rules(), rules);
  EXPECT_EQ(stored(), rules);
}

TEST(LiveStreams, AreCapped) {
  ServerProcess server(TempDir("streams"), {"--no-demo", "--max-streams", "1"});
  ApiClient admin(server);
  admin.SignUpAdmin("boss");
  auto race = admin.Post("/api/v1/races", {{"name", "R"}, {"track_id", "pitwall_park"}, {"closes_at", InHours(1)}});
  const std::string events = "/api/v1/races/" + json::parse(race->body)["id"].dump() + "/events";
  std::atomic<bool> open{false}, done{false};
  std::thread first([&] {
    httplib::Client c("127.0.0.1", server.port());
    c.Get(events.c_str(), [&](const char*, size_t) {
      open = true;
      return !done;
    });
  });
  while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  httplib::Client second("127.0.0.1", server.port());
  auto r = second.Get(events.c_str());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
  done = true;
  server.Stop();  // ends the first stream too
  first.join();
}

TEST(Demo, FirstStartSeedsARealLeaderboard) {
  ServerProcess server(TempDir("demo"), {});
  ApiClient anon(server);
  json board;
  for (int i = 0; i < 200; ++i) {
    board = json::parse(anon.Get("/api/v1/races/1/leaderboard")->body);
    if (board["entries"].size() == 3u) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(board["entries"].size(), 3u) << board.dump();
  EXPECT_LT(board["entries"][0]["ranking_ms"], board["entries"][2]["ranking_ms"]);
  EXPECT_EQ(json::parse(anon.Get("/api/v1/races/1")->body)["status"], "OPEN");
  // Demo racers cannot be signed into.
  EXPECT_EQ(anon.Post("/api/v1/sessions", {{"alias", "demo-rapid"}, {"password", "whatever it is"}})->status, 401);
  EXPECT_EQ(ExpectEveryRunReplays(server.data_dir()), 3);
}

}  // namespace
}  // namespace pw::testing

namespace pw::testing {
namespace {

TEST(Replays, TracesComeOverHttpAndVerifyAndCsvDownloads) {
  ServerProcess server(TempDir("replays"));
  ApiClient admin(server);
  admin.SignUpAdmin("admin");
  auto race = json::parse(admin.Post("/api/v1/races", {{"name", "Replays"}, {"track_id", "harbour_hairpin"}, {"closes_at", "2099-01-01T00:00:00Z"}})->body);
  const std::string rid = race["id"].dump();
  ApiClient racer(server);
  racer.SignUp("=HYPERLINK(\"x\"),evil");
  const int64_t mid = json::parse(racer.Upload(Starter("harbour-rays"))->body)["id"];
  const std::string sid = json::parse(racer.Post("/api/v1/races/" + rid + "/submissions", {{"model_id", mid}})->body)["id"].dump();
  json done;
  for (int i = 0; i < 400; ++i) {
    done = json::parse(racer.Get("/api/v1/submissions/" + sid)->body);
    if (done["status"] == "COMPLETED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(done["status"], "COMPLETED");

  // Anyone may watch a ranked league run: the run, then its trace (deflated on the wire).
  ApiClient anon(server);
  const json run = json::parse(anon.Get("/api/v1/submissions/" + sid + "/run")->body);
  EXPECT_EQ(run["laps"], done["laps"]);
  auto trace = anon.Get("/api/v1/submissions/" + sid + "/trace");
  ASSERT_EQ(trace->status, 200);
  const auto decoded = DecodeTrace(trace->body);  // httplib inflates Content-Encoding: deflate
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const Track track = ImportTrack(anon.Get("/api/v1/races/" + rid + "/track")->body, "t.json").value();
  const RaceRules rules = DefaultRaceRules();
  const ReplayCheck check = VerifyReplay(track, rules, decoded.value().steps, LapsFromJson(run["laps"]).value(), ReplayConfig(decoded.value()));
  EXPECT_TRUE(check.matches) << check.difference;
  // Compact: the stored (deflated) trace per lap.
  auto league_db = OpenLeagueDb(server.data_dir());
  db::Connection& db = *league_db;
  const int stored = db.queryInt("SELECT length(trace) FROM submissions WHERE id = " + sid);
  EXPECT_LE(stored, 4 * static_cast<int>(decoded.value().steps.size())) << "at most 4 bytes per step";
  // One changed action no longer matches.
  auto tampered = decoded.value().steps;
  tampered[40].steering_deg = -tampered[40].steering_deg + 1.0f;
  EXPECT_FALSE(VerifyReplay(track, rules, tampered, LapsFromJson(run["laps"]).value()).matches);

  // CSV downloads, with names a spreadsheet must not run.
  auto laps_csv = racer.Get("/api/v1/submissions/" + sid + "/laps.csv");
  EXPECT_EQ(laps_csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(laps_csv->body.substr(0, laps_csv->body.find('\n')), "lap,time_ms,time_s,status,off_track_count,crash_count,resets,progress_pct");
  EXPECT_NE(laps_csv->body.find("\n1," + done["laps"][0]["time_ms"].dump() + ","), std::string::npos);
  auto board_csv = anon.Get("/api/v1/races/" + rid + "/leaderboard.csv");
  EXPECT_NE(board_csv->body.find("\n1,\"'=HYPERLINK(\"\"x\"\"),evil\"," + done["result"]["ranking_ms"].dump() + ","), std::string::npos) << board_csv->body;
  EXPECT_EQ(ExpectEveryRunReplays(server.data_dir()), 1);
}

// The queue serves racers in turn: one racer's many submissions delay
// another's one by at most one evaluation per worker, and the position a
// racer is told is the order it is served in.
TEST(Queue, RacersTakeTurnsAndPositionsAreHonest) {
  ServerProcess server(TempDir("queue"), {"--no-demo"}, /*workers=*/1);
  ApiClient admin(server), flood(server), single(server);
  admin.SignUpAdmin("steward");
  const std::string race = "/api/v1/races/" + Body(admin.Post("/api/v1/races", {{"name", "Queue"}, {"track_id", "quarry_sprint"},
                                                                                {"laps", 10}, {"min_laps", 1},
                                                                                {"closes_at", "2099-01-01T00:00:00Z"}}))["id"].dump();
  flood.SignUp("flood");
  single.SignUp("single");
  const int64_t flood_model = Body(flood.Upload(Starter("quarry-steady")))["id"];
  const int64_t single_model = Body(single.Upload(Starter("quarry-steady")))["id"];
  std::vector<std::string> floods;
  for (int i = 0; i < 12; ++i) floods.push_back(Body(flood.Post(race + "/submissions", {{"model_id", flood_model}}))["id"].dump());
  const json mine = Body(single.Post(race + "/submissions", {{"model_id", single_model}}));
  ASSERT_EQ(mine["status"], "QUEUED");
  EXPECT_LE(mine["queue_position"].get<int>(), 2) << "behind at most the flood's next one";
  const std::string id = mine["id"].dump();
  // Every flood submission still waiting once mine is queued must start after
  // mine: the next claim is my first against the flood's already-served racer.
  std::vector<std::string> waiting;
  for (const std::string& f : floods)
    if (Body(flood.Get("/api/v1/submissions/" + f))["status"] == "QUEUED") waiting.push_back(f);
  ASSERT_GE(waiting.size(), 3u) << "the flood should still be waiting (an evaluation of 10 laps is slower than a post)";
  std::printf("flood still waiting: %zu of 12\n", waiting.size());
  const json done = WaitCompleted(single, id);
  ASSERT_EQ(done["status"], "COMPLETED");
  for (int i = 0; i < 1200 && Body(flood.Get("/api/v1/submissions/" + floods.back()))["status"] != "COMPLETED"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  // RFC 3339 times with milliseconds in one format compare as text.
  for (const std::string& f : waiting)
    EXPECT_GT(Body(flood.Get("/api/v1/submissions/" + f))["started_at"].get<std::string>(), done["started_at"].get<std::string>())
        << "flood submission " << f << " overtook the single racer's";
}

TEST(Quotas, PerRacerLimitsAndIdempotentSubmissions) {
  ServerProcess server(TempDir("quotas"), {"--no-demo", "--max-models-per-racer", "2", "--max-waiting-per-racer", "2",
                                           "--community-races-per-day", "2"}, /*workers=*/1);
  ApiClient admin(server), racer(server);
  admin.SignUpAdmin("steward");
  racer.SignUp("greedy");
  const std::string race = "/api/v1/races/" + Body(admin.Post("/api/v1/races", {{"name", "Q"}, {"track_id", "quarry_sprint"}, {"laps", 10},
                                                                                {"min_laps", 1}, {"closes_at", "2099-01-01T00:00:00Z"}}))["id"].dump();
  const std::string other = "/api/v1/races/" + Body(admin.Post("/api/v1/races", {{"name", "Q2"}, {"track_id", "pitwall_park"},
                                                                                 {"closes_at", "2099-01-01T00:00:00Z"}}))["id"].dump();
  // Models: two kept at most.
  const int64_t model = Body(racer.Upload(Starter("quarry-steady")))["id"];
  ASSERT_EQ(racer.Upload(Starter("park-state"))->status, 201);
  auto third = racer.Upload(Starter("harbour-rays"));
  EXPECT_EQ(third->status, 409) << third->body;
  EXPECT_EQ(Body(third)["type"], "https://pitwall.dev/problems/quota-exceeded");
  // A retried POST with the same key enters once.
  httplib::Headers keyed = racer.Auth();
  keyed.emplace("Idempotency-Key", "retry-me-1");
  auto a = racer.http.Post((race + "/submissions").c_str(), keyed, json{{"model_id", model}}.dump(), "application/json");
  auto b = racer.http.Post((race + "/submissions").c_str(), keyed, json{{"model_id", model}}.dump(), "application/json");
  ASSERT_EQ(a->status, 202) << a->body;
  ASSERT_EQ(b->status, 202) << b->body;
  EXPECT_EQ(Body(a)["id"], Body(b)["id"]);
  auto elsewhere = racer.http.Post((other + "/submissions").c_str(), keyed, json{{"model_id", model}}.dump(), "application/json");
  EXPECT_EQ(elsewhere->status, 422) << elsewhere->body;
  EXPECT_EQ(Body(racer.Get(race + "/submissions"))["submissions"].size(), 1u);
  // Waiting submissions: at most two at once, then 429 with Retry-After.
  bool limited = false;
  for (int i = 0; i < 20 && !limited; ++i) {
    auto r = racer.Post(race + "/submissions", {{"model_id", model}});
    if (r->status == 429) {
      limited = true;
      EXPECT_TRUE(r->has_header("Retry-After"));
      EXPECT_EQ(Body(r)["type"], "https://pitwall.dev/problems/quota-exceeded");
    } else {
      ASSERT_EQ(r->status, 202) << r->body;
    }
  }
  EXPECT_TRUE(limited);
  // Community races: two a day.
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(racer.Post("/api/v1/races", {{"kind", "COMMUNITY"}, {"name", "Club " + std::to_string(i)}, {"track_id", "pitwall_park"},
                                           {"closes_at", "2099-01-01T00:00:00Z"}})->status, 201);
  auto club = racer.Post("/api/v1/races", {{"kind", "COMMUNITY"}, {"name", "One too many"}, {"track_id", "pitwall_park"},
                                          {"closes_at", "2099-01-01T00:00:00Z"}});
  EXPECT_EQ(club->status, 429) << club->body;
  EXPECT_TRUE(club->has_header("Retry-After"));
}

}  // namespace
}  // namespace pw::testing
