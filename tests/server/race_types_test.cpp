// Race types over HTTP: organisers create OBJECT_AVOIDANCE and HEAD_TO_BOT
// races (each field checked), the server evaluates submissions among boxes and
// bots, ranks them with their crash counts, and every run replays exactly from
// its trace and the race's stored rules.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "league_db.h"
#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "server_process.h"
#include "trace_check.h"

namespace pw::testing {
namespace {

json WaitFinished(ApiClient& racer, const std::string& sid) {
  json done;
  for (int i = 0; i < 800; ++i) {
    done = json::parse(racer.Get("/api/v1/submissions/" + sid)->body);
    if (done["status"] == "COMPLETED" || done["status"] == "FAILED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return done;
}

std::set<std::string> ErrorFields(const httplib::Result& r) {
  std::set<std::string> fields;
  const json problem = json::parse(r->body);
  for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  return fields;
}

TEST(RaceTypes, BoxesAndBotsAreRacedRankedWithTheirCrashesAndReplayExactly) {
  ServerProcess server(TempDir("race-types"), {"--no-demo"});
  ApiClient admin(server);
  admin.SignUpAdmin("organiser");

  // Two boxes where the racing line runs widest of them, in the lane it does not use: a starter
  // model (it knows nothing of boxes) drives past them; it would crash into a box on its line
  // again and again (put back behind it, it drives the same line), and never finish.
  const RacingLine line = PlanRacingLine(BuiltinTrack("pitwall_park").value(), DefaultCarParams(), ExpertConfig{});
  json placements = json::array();
  for (double from : {20.0, 55.0}) {
    size_t widest = 0;
    for (size_t k = 0; k < line.offset_m.size(); ++k) {
      const double pct = 100.0 * static_cast<double>(k) / static_cast<double>(line.offset_m.size());
      if (pct >= from && pct < from + 25.0 && std::fabs(line.offset_m[k]) > std::fabs(line.offset_m[widest])) widest = k;
    }
    placements.push_back({{"progress_pct", 100.0 * static_cast<double>(widest) / static_cast<double>(line.offset_m.size())},
                          {"lane", line.offset_m[widest] > 0 ? "RIGHT" : "LEFT"}});
  }
  auto boxes = admin.Post("/api/v1/races", {{"name", "Boxes"},
                                            {"track_id", "pitwall_park"},
                                            {"closes_at", "2099-01-01T00:00:00Z"},
                                            {"race_type", "OBJECT_AVOIDANCE"},
                                            {"collision_penalty_ms", 2000},
                                            {"obstacles", placements}});
  ASSERT_EQ(boxes->status, 201) << boxes->body;
  const json box_race = json::parse(boxes->body);
  EXPECT_EQ(box_race["race_type"], "OBJECT_AVOIDANCE");
  EXPECT_EQ(box_race["rules"]["race_type"], "OBJECT_AVOIDANCE");
  EXPECT_EQ(box_race["rules"]["random_obstacles"], false);
  EXPECT_EQ(box_race["rules"]["obstacle_count"], 2);
  EXPECT_EQ(box_race["rules"]["obstacles"], placements);
  EXPECT_EQ(box_race["rules"]["collision_penalty_ms"], 2000);

  auto bots = admin.Post("/api/v1/races", {{"name", "Bots"},
                                           {"track_id", "pitwall_park"},
                                           {"closes_at", "2099-01-01T00:00:00Z"},
                                           {"race_type", "HEAD_TO_BOT"},
                                           {"bots", {{{"speed_mps", 1.0}}, {{"speed_mps", 0.8}, {"lane", "LEFT"}, {"lane_changes", true}}}}});
  ASSERT_EQ(bots->status, 201) << bots->body;
  const json bot_race = json::parse(bots->body);
  EXPECT_EQ(bot_race["rules"]["bots"].size(), 2u);
  EXPECT_EQ(bot_race["rules"]["bots"][0]["lane"], "RIGHT");  // BotCar's default
  EXPECT_TRUE(bot_race["rules"]["bots"][1]["lane_changes"].get<bool>());
  // No seed given: the server drew one, and the race keeps it.
  const int64_t seed = bot_race["rules"]["course_seed"];
  EXPECT_GE(seed, 0);
  EXPECT_EQ(json::parse(admin.Get("/api/v1/races/" + bot_race["id"].dump())->body)["rules"]["course_seed"], seed);

  // A model that sees only its own state, blind to boxes and bots: it passes the boxes off its line;
  // it runs into the bots, is put back behind them and held, and still finishes its laps (they
  // drive on meanwhile), so it ranks, with its crashes on the board.
  ApiClient racer(server);
  racer.SignUp("blind-racer");
  const int64_t mid = json::parse(racer.Upload(Starter("park-state"))->body)["id"];
  int crashes = 0;
  for (const json& race : {box_race, bot_race}) {
    SCOPED_TRACE(race["name"].get<std::string>());
    const std::string rid = race["id"].dump();
    const std::string sid = json::parse(racer.Post("/api/v1/races/" + rid + "/submissions", {{"model_id", mid}})->body)["id"].dump();
    const json done = WaitFinished(racer, sid);
    ASSERT_EQ(done["status"], "COMPLETED") << done.dump();
    int lap_crashes = 0;
    for (const json& lap : done["laps"]) lap_crashes += lap["crash_count"].get<int>();
    EXPECT_EQ(done["result"]["crash_count"], lap_crashes);
    crashes += lap_crashes;
    const json board = json::parse(racer.Get("/api/v1/races/" + rid + "/leaderboard")->body);
    ASSERT_EQ(board["entries"].size(), 1u) << board.dump();
    EXPECT_EQ(board["entries"][0]["crash_count"], lap_crashes);
    const std::string csv = racer.Get("/api/v1/races/" + rid + "/leaderboard.csv")->body;
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "rank,alias,ranking_ms,best_lap_ms,average_lap_ms,total_ms,off_track_count,crash_count,submissions,gap_ms,submitted_at,"
              "submission_id");
    EXPECT_NE(csv.find(",blind-racer," + done["result"]["ranking_ms"].dump() + ","), std::string::npos) << csv;
  }
  EXPECT_GT(crashes, 0) << "a model blind to bots should have run into one";
  EXPECT_EQ(ExpectEveryRunReplays(server.data_dir()), 2);
}

TEST(RaceTypes, EveryBadFieldIsNamedAndNothingIsCreated) {
  ServerProcess server(TempDir("race-types-bad"), {"--no-demo"});
  ApiClient admin(server);
  admin.SignUpAdmin("organiser");
  const json base = {{"name", "Bad"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}};
  auto with = [&](json extra) {
    json body = base;
    body.update(extra);
    return admin.Post("/api/v1/races", body);
  };
  struct Case {
    json body;
    std::string field;
  };
  const Case cases[] = {
      {{{"race_type", "DRAG_RACE"}}, "race_type"},
      {{{"race_type", "HEAD_TO_BOT"}}, "bots"},
      {{{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"speed_mps", 9}}}}}, "bots[0].speed_mps"},
      {{{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"lane_change_interval_s", 0.5}}}}}, "bots[0].lane_change_interval_s"},
      {{{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"lane", "MIDDLE"}}}}}, "bots"},
      {{{"race_type", "HEAD_TO_BOT"}, {"bots", "three"}}, "bots"},
      {{{"race_type", "HEAD_TO_BOT"}, {"bots", json::array({json::object(), json::object(), json::object(), json::object(),
                                                            json::object(), json::object(), json::object()})}},
       "bots"},
      {{{"race_type", "OBJECT_AVOIDANCE"}, {"obstacle_count", 9}}, "obstacle_count"},
      {{{"race_type", "OBJECT_AVOIDANCE"}, {"obstacles", {{{"progress_pct", 120}}}}}, "obstacles[0].progress_pct"},
      {{{"race_type", "OBJECT_AVOIDANCE"}, {"obstacles", {{{"lane", "LEFT"}}}}}, "obstacles"},
      {{{"race_type", "OBJECT_AVOIDANCE"}, {"obstacle_count", 3}, {"random_obstacles", false}, {"obstacles", {{{"progress_pct", 50}}}}},
       "obstacles"},
      {{{"bots", {{{"speed_mps", 1}}}}}, "bots"},
      {{{"obstacles", {{{"progress_pct", 50}}}}}, "obstacles"},
      {{{"collision_penalty_ms", 60000}}, "collision_penalty_ms"},
      {{{"course_seed", -1}}, "course_seed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.dump());
    auto r = with(c.body);
    ASSERT_EQ(r->status, 422) << r->body;
    EXPECT_TRUE(ErrorFields(r).count(c.field)) << r->body;
  }
  auto league_db = OpenLeagueDb(server.data_dir());
  EXPECT_EQ(league_db->queryInt("SELECT COUNT(*) FROM races"), 0);
}

}  // namespace
}  // namespace pw::testing
