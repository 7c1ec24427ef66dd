// kill -9 during evaluations, restart: every accepted submission ends
// COMPLETED or FAILED exactly once, and the leaderboard agrees with them.
#include <gtest/gtest.h>

#include "db.h"

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "server_process.h"
#include "trace_check.h"
#include "league_db.h"

namespace pw::testing {
namespace {

// A supervisor (or a test) may stop a server the moment it says where it listens, before its
// listen loop has begun: the signal must not be lost (cpp-httplib's stop() ignores a server that
// is not listening yet; the server once went on listening forever).
TEST(Crash, SigtermRightAfterStartingStopsTheServer) {
  const std::string data = TempDir("quickstop");
  for (int i = 0; i < 25; ++i) {
    ServerProcess server(data);
    ASSERT_TRUE(server.Stop(std::chrono::seconds(20))) << "start " << i << ": SIGTERM did not stop the server";
  }
}

TEST(Crash, Kill9DuringEvaluationsLosesNothingAndCountsNothingTwice) {
  const std::string data = TempDir("crash");
  std::vector<int64_t> accepted;
  std::string race_path;
  {
    ServerProcess server(data, {"--no-demo"}, /*workers=*/1);  // one worker: the queue drains slowly
    ApiClient admin(server);
    admin.SignUpAdmin("admin");
    // Ten-lap races on the longest track: evaluations take long enough to be caught mid-way.
    auto race = admin.Post("/api/v1/races", {{"name", "Endurance"}, {"track_id", "quarry_sprint"}, {"laps", 10}, {"min_laps", 3},
                                             {"closes_at", "2099-01-01T00:00:00Z"}});
    ASSERT_EQ(race->status, 201) << race->body;
    race_path = "/api/v1/races/" + json::parse(race->body)["id"].dump();
    std::vector<std::unique_ptr<ApiClient>> racers;
    for (int i = 0; i < 4; ++i) {
      racers.push_back(std::make_unique<ApiClient>(server));
      racers.back()->SignUp("crasher" + std::to_string(i));
    }
    std::vector<int64_t> models;
    for (int i = 0; i < 4; ++i)
      models.push_back(json::parse(racers[static_cast<size_t>(i)]->Upload(Starter(i % 2 ? "park-state" : "quarry-steady"))->body)["id"]);
    for (int round = 0; round < 8; ++round)
      for (size_t i = 0; i < racers.size(); ++i) {
        auto r = racers[i]->Post(race_path + "/submissions", {{"model_id", models[i]}});
        ASSERT_EQ(r->status, 202) << r->body;
        accepted.push_back(json::parse(r->body)["id"]);
      }
    // Pull the plug while some are done and others queued or running.
    server.Kill9();
  }
  {
    auto league_db = OpenLeagueDb(data);
    db::Connection& db = *league_db;
    const int unfinished = db.queryInt("SELECT COUNT(*) FROM submissions WHERE status IN ('QUEUED', 'EVALUATING')");
    EXPECT_GT(unfinished, 0) << "the kill came too late to test recovery";
  }
  {
    ServerProcess restarted(data);
    EXPECT_NE(restarted.startup_output().find("database"), std::string::npos);
    ApiClient probe(restarted);
    for (int i = 0; i < 600; ++i) {
      if (json::parse(probe.Get("/api/v1/health")->body)["queued"] == 0) {
        auto league_db = OpenLeagueDb(data);
        db::Connection& db = *league_db;
        if (db.queryInt("SELECT COUNT(*) FROM submissions WHERE status = 'EVALUATING'") == 0) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  auto league_db = OpenLeagueDb(data);
  db::Connection& db = *league_db;
  // Exactly the accepted submissions, each finished once.
  ExpectEachFinishedOnce(db, accepted, 10);
  // The leaderboard holds each racer's best completed submission, once.
  db::Statement best(db,
                         "SELECT racer_id, MIN(ranking_ms) FROM submissions WHERE status = 'COMPLETED' AND qualified = 1 GROUP BY racer_id");
  std::map<int64_t, int64_t> expected;
  while (best.executeStep()) expected[best.getColumn(0).getInt64()] = best.getColumn(1).getInt64();
  db::Statement board(db, "SELECT racer_id, ranking_ms FROM leaderboard");
  std::map<int64_t, int64_t> actual;
  while (board.executeStep()) actual[board.getColumn(0).getInt64()] = board.getColumn(1).getInt64();
  EXPECT_EQ(actual, expected);
  EXPECT_FALSE(actual.empty());
  // And every run, including the ones the crash interrupted and a worker redid, replays exactly.
  EXPECT_EQ(ExpectEveryRunReplays(data), static_cast<int>(accepted.size()));
}

// A submission that was being evaluated every time the server went down may
// be what brings it down: after three attempts it ends FAILED, no crash loop.
TEST(Crash, ASubmissionIsAttemptedAtMostThreeTimes) {
  const std::string data = TempDir("attempts");
  std::string first, second;
  {
    ServerProcess server(data, {"--no-demo"}, 1);
    ApiClient admin(server);
    admin.SignUpAdmin("admin");
    const std::string race = "/api/v1/races/" + Body(admin.Post("/api/v1/races", {{"name", "R"}, {"track_id", "pitwall_park"},
                                                                                  {"closes_at", "2099-01-01T00:00:00Z"}}))["id"].dump();
    const int64_t model = Body(admin.Upload(Starter("park-state")))["id"];
    first = Body(admin.Post(race + "/submissions", {{"model_id", model}}))["id"].dump();
    second = Body(admin.Post(race + "/submissions", {{"model_id", model}}))["id"].dump();
    for (int i = 0; i < 400 && Body(admin.Get("/api/v1/submissions/" + second))["status"] != "COMPLETED"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  {
    // As a crash would leave them: both mid-evaluation, the first on its third attempt.
    auto league_db = OpenLeagueDb(data);
    db::Connection& db = *league_db;
    db.exec("UPDATE submissions SET status = 'EVALUATING', attempts = 3 WHERE id = " + first);
    db.exec("UPDATE submissions SET status = 'EVALUATING', attempts = 1 WHERE id = " + second);
  }
  ServerProcess restarted(data, {"--no-demo"}, 1);
  ApiClient admin(restarted);
  admin.token = Body(admin.Post("/api/v1/sessions", {{"alias", "admin"}, {"password", "a long password"}}))["token"];
  const json failed = Body(admin.Get("/api/v1/submissions/" + first));
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_NE(failed["reason"].get<std::string>().find("evaluation could not finish"), std::string::npos) << failed.dump();
  EXPECT_EQ(WaitCompleted(admin, second, 400)["status"], "COMPLETED");
}

}  // namespace
}  // namespace pw::testing
