// Community races and invitation links, every rule against the real server.
#include <gtest/gtest.h>

#include "db.h"
#include <sys/stat.h>
#include <sodium.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "server_process.h"
#include "trace_check.h"
#include "league_db.h"

namespace pw::testing {
namespace {

std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// An organiser's own track: a 5 m radius loop, 1 m wide, as a DeepRacer-style CSV.
std::string CircleCsv() {
  std::ostringstream csv;
  csv << "center_x,center_y,inner_x,inner_y,outer_x,outer_y\n";
  for (int i = 0; i <= 120; ++i) {
    const double a = 2 * M_PI * (i % 120) / 120.0, c = std::cos(a), s = std::sin(a);
    csv << 5 * c << "," << 5 * s << "," << 4.5 * c << "," << 4.5 * s << "," << 5.5 * c << "," << 5.5 * s << "\n";
  }
  return csv.str();
}

class Community : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One worker, so that queues can be observed; a generous invitation limit (the limit has its own test).
    server_ = new ServerProcess(TempDir("community"), {"--no-demo", "--invite-attempts", "10000"}, 1);
    ApiClient(*server_).SignUp("site-admin");  // the first account
  }
  static void TearDownTestSuite() {
    ExpectEveryRunReplays(server_->data_dir());  // every evaluation replays exactly from its trace
    delete server_;
  }

  struct Race {
    int64_t id;
    std::string token;
  };
  static Race Create(ApiClient& organiser, json extra = json::object()) {
    json body = {{"kind", "COMMUNITY"}, {"name", "Club Night"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = organiser.Post("/api/v1/races", body);
    EXPECT_EQ(r->status, 201) << r->body;
    const json j = json::parse(r->body);
    return {j["id"], j["invitation"]["token"]};
  }
  static std::string Path(const Race& r, const std::string& rest = "") { return "/api/v1/races/" + std::to_string(r.id) + rest; }
  static ServerProcess* server_;
};
ServerProcess* Community::server_ = nullptr;

TEST_F(Community, AnyRacerCreatesOneWithALinkWhoseHashAloneIsStored) {
  ApiClient org(*server_);
  org.SignUp("organiser-a");
  auto r = org.Post("/api/v1/races", {{"kind", "COMMUNITY"}, {"name", "Club"}, {"track_id", "harbour_hairpin"}, {"closes_at", "2099-01-01T00:00:00Z"}});
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
  const json race = json::parse(r->body);
  EXPECT_EQ(race["kind"], "COMMUNITY");
  EXPECT_EQ(race["visibility"], "participants");
  const std::string token = race["invitation"]["token"];
  EXPECT_EQ(token.size(), 22u) << "128 bits, base64url";
  EXPECT_EQ(race["invitation"]["url"], "/join/" + token);
  EXPECT_EQ(race["invitation"]["expires_at"], race["closes_at"]) << "expires at the race's close by default";
  auto league_db = OpenLeagueDb(server_->data_dir());
  db::Connection& db = *league_db;
  db::Statement q(db, "SELECT token_hash FROM invitations WHERE race_id = ?");
  q.bind(1, race["id"].get<int64_t>());
  ASSERT_TRUE(q.executeStep());
  EXPECT_NE(q.getColumn(0).getString(), token);
  EXPECT_EQ(q.getColumn(0).getString().size(), 64u);
  // Community races are not in the public list; they are in mine.
  ApiClient anon(*server_);
  for (const auto& listed : json::parse(anon.Get("/api/v1/races")->body)["races"]) EXPECT_NE(listed["id"], race["id"]);
  EXPECT_EQ(json::parse(org.Get("/api/v1/me/races")->body)["races"][0]["id"], race["id"]);
}

// The organiser can see the link again whenever they open the race: the token is stored sealed
// with the server's key (bound to its race) beside its hash; nobody else gets it, a sealed copy
// moved to another race opens nothing, and a reset gives a new link and seals that.
TEST_F(Community, TheOrganiserAloneSeesTheSameLinkAgain) {
  ApiClient org(*server_), other(*server_);
  org.SignUp("link-keeper");
  other.SignUp("link-seeker");
  const auto create = [&](const std::string& name) {
    auto r = org.Post("/api/v1/races", {{"kind", "COMMUNITY"}, {"name", name}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}});
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body);
  };
  const json race = create("Kept link"), second = create("Second club");
  const std::string path = "/api/v1/races/" + race["id"].dump() + "/invitation";
  auto again = org.Get(path);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(again->body)["url"], race["invitation"]["url"]);
  EXPECT_EQ(again->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(other.Get(path)->status, 404) << "a stranger learns nothing, not even that the race exists";

  auto league_db = OpenLeagueDb(server_->data_dir());
  db::Connection& db = *league_db;
  db::Statement read_sealed(db, "SELECT token_sealed FROM invitations WHERE race_id = ?");
  read_sealed.bind(1, race["id"].get<int64_t>());
  ASSERT_TRUE(read_sealed.executeStep());
  const std::string sealed = read_sealed.getColumn(0).getString();
  EXPECT_EQ(sealed.find(race["invitation"]["token"].get<std::string>()), std::string::npos) << "the token is not stored readable";
  EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
  // The sealed copy is bound to its race: moved to another race it opens nothing.
  db.exec("UPDATE invitations SET token_sealed = '" + sealed + "' WHERE race_id = " + second["id"].dump());
  const json moved = json::parse(org.Get("/api/v1/races/" + second["id"].dump() + "/invitation")->body);
  EXPECT_FALSE(moved.contains("url")) << moved.dump();
  EXPECT_NE(moved.value("note", std::string()).find("reset it"), std::string::npos);

  // Reset: a new link, and that is the one shown from then on; the old one says it was reset.
  auto reset = org.Post(path, json::object());
  ASSERT_EQ(reset->status, 201);
  const std::string fresh = json::parse(reset->body)["url"];
  EXPECT_NE(fresh, race["invitation"]["url"]);
  EXPECT_EQ(json::parse(org.Get(path)->body)["url"], fresh);
  EXPECT_EQ(other.Get("/api/v1/invitations/" + race["invitation"]["token"].get<std::string>())->status, 410);
  // The key lives in the data folder, readable by the server's user alone.
  struct stat st{};
  ASSERT_EQ(::stat((server_->data_dir() + "/sealing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
}

TEST_F(Community, OrganisersMayUploadTheirOwnTrack) {
  ApiClient org(*server_);
  org.SignUp("track-maker");
  json body = {{"kind", "COMMUNITY"}, {"name", "Roundabout"}, {"closes_at", "2099-01-01T00:00:00Z"},
               {"track_file", {{"name", "roundabout.csv"}, {"data_base64", Base64(CircleCsv())}}}};
  auto r = org.Post("/api/v1/races", body);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_NEAR(json::parse(r->body)["track"]["length_m"].get<double>(), 2 * M_PI * 5, 0.05);
  body["track_file"]["data_base64"] = Base64("x,y\n1,2\n");
  r = org.Post("/api/v1/races", body);
  ASSERT_EQ(r->status, 422);
  const json problem = json::parse(r->body);
  EXPECT_EQ(problem["errors"][0]["field"], "track_file");
  EXPECT_EQ(problem["errors"][0]["message"], "roundabout.csv: line 1: bad header 'x,y', expected center_x,center_y,inner_x,inner_y,outer_x,outer_y");
  body["track_file"]["data_base64"] = "***";
  EXPECT_EQ(json::parse(org.Post("/api/v1/races", body)->body)["errors"][0]["message"], "data_base64 is not valid base64");
}

TEST_F(Community, EveryPrivateResourceIs404ToOutsiders) {
  ApiClient org(*server_), member(*server_), outsider(*server_), anon(*server_);
  org.SignUp("organiser-p");
  member.SignUp("member-p");
  outsider.SignUp("outsider-p");
  const Race race = Create(org);
  member.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  auto sub = member.Post(Path(race, "/submissions"), {{"model_id", json::parse(member.Upload(Starter("park-state"))->body)["id"]}});
  ASSERT_EQ(sub->status, 202) << sub->body;
  const std::string sub_id = json::parse(sub->body)["id"].dump();
  for (int i = 0; i < 200 && json::parse(member.Get("/api/v1/submissions/" + sub_id)->body)["status"] != "COMPLETED"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_EQ(member.Get("/api/v1/submissions/" + sub_id + "/trace")->status, 200);
  EXPECT_EQ(org.Get("/api/v1/submissions/" + sub_id + "/trace")->status, 200) << "the organiser may watch any entry";

  for (ApiClient* who : {&outsider, &anon}) {
    for (const std::string& path : {Path(race), Path(race, "/leaderboard"), Path(race, "/events"), Path(race, "/track"),
                                    Path(race, "/submissions"), "/api/v1/submissions/" + sub_id + "/trace"}) {
      auto r = who->Get(path);
      // Listing "my submissions" asks who you are first; everything else is simply not there.
      const int expected = who == &anon && path == Path(race, "/submissions") ? 401 : 404;
      EXPECT_EQ(r->status, expected) << path << " for " << (who == &anon ? "anonymous" : "outsider");
    }
    EXPECT_EQ(who->Post(Path(race, "/submissions"), {{"model_id", 1}})->status, who == &anon ? 401 : 404);
  }
  EXPECT_EQ(outsider.Get("/api/v1/submissions/" + sub_id)->status, 404);
  // Participants' tools are the organiser's.
  EXPECT_EQ(member.Get(Path(race, "/participants"))->status, 403);
  EXPECT_EQ(member.Get(Path(race, "/invitation"))->status, 403);
}

TEST_F(Community, OpeningTheLinkJoinsAndTheOrganiserSeesWhoJoined) {
  ApiClient org(*server_), a(*server_), b(*server_);
  org.SignUp("organiser-j");
  a.SignUp("joiner-a");
  b.SignUp("joiner-b");
  const Race race = Create(org, {{"name", "Join Me"}});
  // The link's page, with no referrer leaking the token.
  auto page = a.http.Get(("/join/" + race.token).c_str());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  auto preview = a.Get("/api/v1/invitations/" + race.token);
  ASSERT_EQ(preview->status, 200);
  EXPECT_EQ(json::parse(preview->body)["race"]["name"], "Join Me");
  EXPECT_EQ(json::parse(preview->body)["race"]["organiser"], "organiser-j");
  EXPECT_EQ(preview->get_header_value("Referrer-Policy"), "no-referrer");
  // Redeeming needs an account ...
  ApiClient anon(*server_);
  EXPECT_EQ(anon.Post("/api/v1/invitations/" + race.token + "/redeem", json::object())->status, 401);
  // ... and lands the racer in the race; the link can be forwarded.
  auto joined = a.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  ASSERT_EQ(joined->status, 200) << joined->body;
  EXPECT_EQ(json::parse(joined->body)["id"], race.id);
  EXPECT_EQ(a.Get(Path(race))->status, 200);
  EXPECT_EQ(b.Post("/api/v1/invitations/" + race.token + "/redeem", json::object())->status, 200);
  EXPECT_EQ(a.Post("/api/v1/invitations/" + race.token + "/redeem", json::object())->status, 200) << "joining twice is harmless";
  const json inv = json::parse(org.Get(Path(race, "/invitation"))->body);
  EXPECT_EQ(inv["uses"], 2);
  const json people = json::parse(org.Get(Path(race, "/participants"))->body)["participants"];
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0]["alias"], "joiner-a");
  EXPECT_EQ(people[0]["submissions"], 0);
  EXPECT_TRUE(people[0]["best_ms"].is_null());
}

TEST_F(Community, ResetUsedUpExpiredMalformedAndGuessedLinksAreRefusedEachWithItsReason) {
  ApiClient org(*server_), x(*server_), y(*server_);
  org.SignUp("organiser-r");
  x.SignUp("racer-x");
  y.SignUp("racer-y");
  const Race race = Create(org);
  // Reset: the old link stops at once.
  auto fresh = org.Post(Path(race, "/invitation"), {{"max_uses", 1}});
  ASSERT_EQ(fresh->status, 201) << fresh->body;
  const std::string token = json::parse(fresh->body)["token"];
  auto old = x.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  EXPECT_EQ(old->status, 410);
  EXPECT_EQ(json::parse(old->body)["type"], "https://pitwall.dev/problems/invitation-reset");
  // Used up after its one use.
  EXPECT_EQ(x.Post("/api/v1/invitations/" + token + "/redeem", json::object())->status, 200);
  auto used = y.Post("/api/v1/invitations/" + token + "/redeem", json::object());
  EXPECT_EQ(used->status, 410);
  EXPECT_EQ(json::parse(used->body)["detail"], "this invitation link has been used the 1 times it allows");
  // Expired.
  const auto soon = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::seconds(2));
  std::tm tm{};
  gmtime_r(&soon, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string short_lived = json::parse(org.Post(Path(race, "/invitation"), {{"expires_at", when}})->body)["token"];
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto expired = y.Post("/api/v1/invitations/" + short_lived + "/redeem", json::object());
  EXPECT_EQ(expired->status, 410);
  EXPECT_EQ(json::parse(expired->body)["type"], "https://pitwall.dev/problems/invitation-expired");
  // Malformed and guessed.
  auto malformed = y.Post("/api/v1/invitations/short/redeem", json::object());
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(json::parse(malformed->body)["type"], "https://pitwall.dev/problems/invitation-malformed");
  auto guessed = y.Post("/api/v1/invitations/AAAAAAAAAAAAAAAAAAAAAA/redeem", json::object());
  EXPECT_EQ(guessed->status, 404);
  EXPECT_EQ(json::parse(guessed->body)["type"], "https://pitwall.dev/problems/invitation-unknown");
  EXPECT_EQ(y.Get(Path(race))->status, 404) << "none of that let y in";
}

TEST_F(Community, RemovedParticipantsLoseTheirEntryTheirQueueAndTheRace) {
  ApiClient org(*server_), busy(*server_), gone(*server_);
  org.SignUp("organiser-x");
  busy.SignUp("busy-racer");
  gone.SignUp("removed-racer");
  const Race race = Create(org, {{"laps", 10}, {"min_laps", 1}, {"track_id", "quarry_sprint"}, {"max_submissions", 50}});
  busy.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  gone.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  const int64_t model = json::parse(gone.Upload(Starter("quarry-steady"))->body)["id"];
  // A first run that ranks.
  auto first = gone.Post(Path(race, "/submissions"), {{"model_id", model}});
  const std::string first_id = json::parse(first->body)["id"].dump();
  for (int i = 0; i < 400 && json::parse(gone.Get("/api/v1/submissions/" + first_id)->body)["status"] != "COMPLETED"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(json::parse(org.Get(Path(race, "/leaderboard"))->body)["entries"].size(), 1u);
  // Keep the single worker busy, so the next runs wait in the queue.
  const int64_t busy_model = json::parse(busy.Upload(Starter("quarry-steady"))->body)["id"];
  for (int i = 0; i < 8; ++i) busy.Post(Path(race, "/submissions"), {{"model_id", busy_model}});
  std::vector<std::string> queued;
  for (int i = 0; i < 3; ++i) queued.push_back(json::parse(gone.Post(Path(race, "/submissions"), {{"model_id", model}})->body)["id"].dump());
  const int64_t gone_id = json::parse(gone.Get("/api/v1/me")->body)["id"];
  ASSERT_EQ(org.Delete(Path(race, "/participants/" + std::to_string(gone_id)))->status, 204);

  const json board = json::parse(org.Get(Path(race, "/leaderboard"))->body);
  for (const auto& e : board["entries"]) EXPECT_NE(e["alias"], "removed-racer");
  auto league_db = OpenLeagueDb(server_->data_dir());
  db::Connection& db = *league_db;
  // The queue serves racers in turn, so the removed racer's first waiting run
  // may already have started; every run still waiting is cancelled.
  int cancelled = 0;
  for (const auto& id : queued) {
    db::Statement q(db, "SELECT status FROM submissions WHERE id = ?");
    q.bind(1, static_cast<int64_t>(std::stoll(id)));
    q.executeStep();
    const std::string status = q.getColumn(0).getString();
    EXPECT_NE(status, "QUEUED") << id;
    cancelled += status == "CANCELLED";
  }
  EXPECT_GE(cancelled, 2);
  EXPECT_EQ(gone.Get(Path(race))->status, 404);
  EXPECT_EQ(gone.Get(Path(race, "/leaderboard"))->status, 404);
  EXPECT_EQ(gone.Get("/api/v1/submissions/" + first_id)->status, 404);
  EXPECT_EQ(gone.Post(Path(race, "/submissions"), {{"model_id", model}})->status, 404);
  // Wait for the busy racer's runs; the removed racer never comes back on the board.
  for (int i = 0; i < 600 && json::parse(org.Get("/api/v1/health")->body)["queued"] != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (const auto& e : json::parse(org.Get(Path(race, "/leaderboard"))->body)["entries"]) EXPECT_NE(e["alias"], "removed-racer");
}

TEST_F(Community, OrganisersEditDatesStrikeEntriesAndDeleteTheRace) {
  ApiClient org(*server_), p(*server_);
  org.SignUp("organiser-e");
  p.SignUp("participant-e");
  const Race race = Create(org);
  p.Post("/api/v1/invitations/" + race.token + "/redeem", json::object());
  const int64_t model = json::parse(p.Upload(Starter("park-state"))->body)["id"];
  const std::string sub = json::parse(p.Post(Path(race, "/submissions"), {{"model_id", model}})->body)["id"].dump();
  for (int i = 0; i < 400 && json::parse(p.Get("/api/v1/submissions/" + sub)->body)["status"] != "COMPLETED"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(json::parse(p.Get(Path(race, "/leaderboard"))->body)["entries"].size(), 1u);

  EXPECT_EQ(p.Patch(Path(race), {{"description", "mine now"}})->status, 403);
  EXPECT_EQ(org.Patch(Path(race), {{"laps", 5}})->status, 422) << "the rules are fixed once racers race";
  auto edited = org.Patch(Path(race), {{"description", "Thursday club night"}, {"closes_at", "2030-01-01T00:00:00Z"}});
  ASSERT_EQ(edited->status, 200) << edited->body;
  EXPECT_EQ(json::parse(edited->body)["description"], "Thursday club night");
  // Close early: no more submissions.
  auto closed = org.Patch(Path(race), {{"closes_at", "2020-01-01T00:00:00Z"}, {"opens_at", "2019-01-01T00:00:00Z"}});
  EXPECT_EQ(json::parse(closed->body)["status"], "CLOSED");
  EXPECT_EQ(json::parse(p.Post(Path(race, "/submissions"), {{"model_id", model}})->body)["type"], "https://pitwall.dev/problems/race-closed");
  // Extend again.
  EXPECT_EQ(json::parse(org.Patch(Path(race), {{"closes_at", "2099-01-01T00:00:00Z"}})->body)["status"], "OPEN");
  // Strike the entry.
  const int64_t pid = json::parse(p.Get("/api/v1/me")->body)["id"];
  EXPECT_EQ(org.Delete(Path(race, "/leaderboard/" + std::to_string(pid)))->status, 204);
  EXPECT_TRUE(json::parse(p.Get(Path(race, "/leaderboard"))->body)["entries"].empty());
  EXPECT_EQ(p.Get(Path(race))->status, 200) << "still a participant";
  EXPECT_EQ(org.Delete(Path(race, "/leaderboard/" + std::to_string(pid)))->status, 404);
  // Delete the race.
  EXPECT_EQ(p.Delete(Path(race))->status, 403);
  EXPECT_EQ(org.Delete(Path(race))->status, 204);
  EXPECT_EQ(org.Get(Path(race))->status, 404);
  EXPECT_EQ(p.Get(Path(race))->status, 404);
}

TEST_F(Community, APublicLeaderboardShowsToEveryoneTheRaceStaysPrivate) {
  ApiClient org(*server_), anon(*server_);
  org.SignUp("organiser-v");
  const Race race = Create(org);
  EXPECT_EQ(anon.Get(Path(race, "/leaderboard"))->status, 404);
  ASSERT_EQ(org.Patch(Path(race), {{"visibility", "public"}})->status, 200);
  auto board = anon.Get(Path(race, "/leaderboard"));
  EXPECT_EQ(board->status, 200);
  EXPECT_EQ(json::parse(board->body)["race_name"], "Club Night");
  EXPECT_EQ(anon.Get(Path(race))->status, 404);
  EXPECT_EQ(org.Patch(Path(race), {{"visibility", "everyone"}})->status, 422);
}

TEST(CommunityRateLimit, BruteForcingInvitationLinksGetsRateLimited) {
  ServerProcess server(TempDir("brute"), {"--no-demo", "--invite-attempts", "5"});
  ApiClient org(server), attacker(server);
  org.SignUp("organiser-b");
  attacker.SignUp("attacker");
  auto race = org.Post("/api/v1/races", {{"kind", "COMMUNITY"}, {"name", "Secret"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}});
  const std::string real = json::parse(race->body)["invitation"]["token"];
  int refused = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 12; ++i) {
    std::string guess = "guess" + std::to_string(i) + std::string(22, 'A');
    guess.resize(22);
    auto r = attacker.Post("/api/v1/invitations/" + guess + "/redeem", json::object());
    if (r->status == 404) ++refused;
    if (r->status == 429) {
      ++limited;
      retry_after = r->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(limited, 7);
  EXPECT_GE(std::stoi(retry_after), 1);
  // While limited, even the right link waits.
  EXPECT_EQ(attacker.Post("/api/v1/invitations/" + real + "/redeem", json::object())->status, 429);
}

}  // namespace
}  // namespace pw::testing
