// Many servers and many workers on one PostgreSQL (docs/DEPLOY.md's second
// topology): two `pitwall serve --no-workers` and two `pitwall worker
// --database` share the database and the data folder. A racer enters through
// one server and follows the live events and the leaderboard through the other;
// a server and a worker are killed with SIGKILL mid-evaluation. Every accepted
// submission still ends ranked or FAILED exactly once, and every run replays.
// Runs only in the PostgreSQL pass (ctest's pg.scale.*): PITWALL_TEST_DATABASE.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "db.h"
#include "league_db.h"
#include "server_process.h"
#include "store/league_copy.h"
#include "trace_check.h"

namespace pw::testing {
namespace {

// `pitwall worker --database`: a child process, stopped by SIGTERM or killed.
class QueueWorker {
 public:
  QueueWorker(const std::string& data_dir, const std::string& url) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      std::vector<std::string> args = {PITWALL_BINARY, "worker", "--database", url, "--data", data_dir, "--workers", "1",
                                       "--lease-seconds", "3", "--step-budget-ms", "2000"};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (text.find("evaluating") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the worker did not start:\n" + text);
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("the worker exited while starting:\n" + text);
      text.append(buf, static_cast<size_t>(n));
    }
    out_fd_ = out[0];
  }
  ~QueueWorker() { End(SIGTERM); }
  void Kill9() { End(SIGKILL); }
  void End(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    ::close(out_fd_);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

// A live stream (Server-Sent Events) read in a thread: the events it delivers, by type.
class EventFollower {
 public:
  EventFollower(const ServerProcess& server, const std::string& path) : client_(server.Client()) {
    thread_ = std::thread([this, path] {
      client_.set_read_timeout(std::chrono::seconds(5));
      while (!stop_) {
        client_.Get(path.c_str(), [this](const char* data, size_t n) {
          std::lock_guard<std::mutex> lock(mu_);
          buffer_.append(data, n);
          size_t end;
          while ((end = buffer_.find("\n\n")) != std::string::npos) {
            const std::string block = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            std::string type, payload;
            std::istringstream lines(block);
            for (std::string line; std::getline(lines, line);) {
              if (line.rfind("event: ", 0) == 0) type = line.substr(7);
              if (line.rfind("data: ", 0) == 0) payload = line.substr(6);
            }
            if (!type.empty()) events_.push_back({type, json::parse(payload, nullptr, false)});
          }
          return !stop_;
        });
      }
    });
  }
  ~EventFollower() {
    stop_ = true;
    thread_.join();
  }
  std::vector<std::pair<std::string, json>> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  httplib::Client client_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string buffer_;
  std::vector<std::pair<std::string, json>> events_;
  std::thread thread_;
};

TEST(Scale, TwoServersTwoWorkersOnePostgresSurviveKills) {
  ASSERT_TRUE(OnPostgres()) << "this test runs on a shared database: set PITWALL_TEST_DATABASE (ctest's pg.scale.* does)";
  const std::string data = TempDir("scale");
  const std::string url = TestDatabaseUrl(data);
  auto a = std::make_unique<ServerProcess>(data, std::vector<std::string>{"--no-demo", "--no-workers"});
  ServerProcess b(data, {"--no-demo", "--no-workers"});
  EXPECT_NE(a->startup_output().find("0 evaluation workers"), std::string::npos) << a->startup_output();

  ApiClient admin(*a);
  admin.SignUpAdmin("organiser");
  // Ten-lap races on the longest track: evaluations take long enough to be caught mid-way.
  auto race = admin.Post("/api/v1/races", {{"name", "Finals"}, {"track_id", "quarry_sprint"}, {"laps", 10}, {"min_laps", 3},
                                           {"closes_at", "2099-01-01T00:00:00Z"}});
  ASSERT_EQ(race->status, 201) << race->body;
  const std::string race_path = "/api/v1/races/" + Body(race)["id"].dump();

  // The viewers are on server B; the racers enter through server A.
  EventFollower follower(b, race_path + "/events");
  std::vector<std::unique_ptr<ApiClient>> racers;
  std::vector<int64_t> models;
  for (int i = 0; i < 4; ++i) {
    racers.push_back(std::make_unique<ApiClient>(*a));
    racers.back()->SignUp("finalist" + std::to_string(i));
    models.push_back(Body(racers.back()->Upload(Starter(i % 2 ? "park-state" : "quarry-steady")))["id"]);
  }
  // Rate limits hold across servers: wrong passwords for one alias through A, and B makes the next
  // attempt wait too (5 free failures, then a wait that doubles).
  ApiClient guesser_a(*a), guesser_b(b);
  for (int i = 0; i < 6; ++i)
    ASSERT_EQ(guesser_a.Post("/api/v1/sessions", {{"alias", "finalist0"}, {"password", "not the password"}})->status, 401);
  auto refused = guesser_b.Post("/api/v1/sessions", {{"alias", "finalist0"}, {"password", "not the password"}});
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_TRUE(refused->has_header("Retry-After"));

  std::vector<int64_t> accepted;
  for (int round = 0; round < 4; ++round)
    for (size_t i = 0; i < racers.size(); ++i) {
      auto r = racers[i]->Post(race_path + "/submissions", {{"model_id", models[i]}});
      ASSERT_EQ(r->status, 202) << r->body;
      accepted.push_back(Body(r)["id"]);
    }

  auto league_db = OpenLeagueDb(data);
  db::Connection& db = *league_db;
  const auto count = [&](const std::string& where) { return db.queryInt("SELECT COUNT(*) FROM submissions WHERE " + where); };
  auto w1 = std::make_unique<QueueWorker>(data, url);
  QueueWorker w2(data, url);
  // Both workers at work, some runs done: now a server and a worker die without a word.
  for (int i = 0; i < 1200 && !(count("status = 'COMPLETED'") >= 2 && count("status = 'EVALUATING'") >= 1); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_GE(count("status = 'COMPLETED'"), 2);
  ASSERT_GE(count("status IN ('QUEUED', 'EVALUATING')"), 2) << "the kill came too late to test recovery";
  w1->Kill9();
  a->Kill9();

  // The rest finishes on the survivors: the dead worker's evaluation comes back when its lease runs out.
  for (int i = 0; i < 2400 && count("status IN ('QUEUED', 'EVALUATING')") > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(count("status IN ('QUEUED', 'EVALUATING')"), 0);

  // Exactly the accepted submissions, each finished once with one set of ten laps.
  ExpectEachFinishedOnce(db, accepted, 10);
  EXPECT_GE(count("attempts > 1"), 1) << "the killed worker's evaluation was redone by another";

  // Server B's leaderboard: each racer's best completed run, at the database's revision.
  std::map<std::string, int64_t> best;
  db::Statement q(db, "SELECT r.alias, MIN(s.ranking_ms) FROM submissions s JOIN racers r ON r.id = s.racer_id "
                      "WHERE s.status = 'COMPLETED' AND s.qualified = 1 GROUP BY r.alias");
  while (q.executeStep()) best[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  ApiClient viewer(b);
  json board;
  for (int i = 0; i < 100; ++i) {  // B learns the last revision from the database's notifications
    board = Body(viewer.Get(race_path + "/leaderboard"));
    if (board["revision"].get<int64_t>() == db.queryInt("SELECT revision FROM races WHERE id = " + race_path.substr(race_path.rfind('/') + 1)))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(board["revision"].get<int64_t>(), db.queryInt("SELECT revision FROM races"));
  std::map<std::string, int64_t> shown;
  for (const json& e : board["entries"]) shown[e["alias"].get<std::string>()] = e["ranking_ms"].get<int64_t>();
  EXPECT_EQ(shown, best);
  EXPECT_FALSE(shown.empty());

  // B's live stream carried what the workers did with submissions entered through A.
  std::set<int64_t> finished_live;
  bool progress_live = false, board_live = false;
  for (const auto& [type, data_json] : follower.Events()) {
    if (type == "submission" && data_json.value("status", "") == "COMPLETED") finished_live.insert(data_json["id"].get<int64_t>());
    if (type == "submission" && data_json.contains("progress_pct")) progress_live = true;
    if (type == "leaderboard" && data_json.value("changed", false)) board_live = true;
  }
  EXPECT_GE(finished_live.size(), 2u) << "completions published by the workers reach server B's stream";
  EXPECT_TRUE(progress_live);
  EXPECT_TRUE(board_live);

  // And every run, including the one the killed worker began and another redid, replays exactly.
  EXPECT_EQ(ExpectEveryRunReplays(data), static_cast<int>(accepted.size()));
}

// `pitwall migrate` moves the demo league from SQLite to PostgreSQL and back: every row of every
// table the same on all three, every run replays from each copy, and a server on the PostgreSQL
// copy shows the same leaderboard.
TEST(Scale, MigrateMovesTheDemoLeagueToPostgresAndBack) {
  ASSERT_TRUE(OnPostgres()) << "set PITWALL_TEST_DATABASE (ctest's pg.scale.* does)";
  const std::string sqlite_dir = TempDir("demo-sqlite"), back_dir = TempDir("demo-back"), pg_dir = TempDir("demo-pg");
  const std::string base = std::getenv("PITWALL_TEST_DATABASE");
  json original;
  {
    ::unsetenv("PITWALL_TEST_DATABASE");  // this server keeps SQLite in its folder, as `scripts/run.sh` does
    ServerProcess demo(sqlite_dir, {});
    ::setenv("PITWALL_TEST_DATABASE", base.c_str(), 1);
    ApiClient viewer(demo);
    for (int i = 0; i < 1200; ++i) {
      original = Body(viewer.Get("/api/v1/races/1/leaderboard"));
      if (original["entries"].size() == 3u) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(original["entries"].size(), 3u) << original.dump();
    ASSERT_TRUE(demo.Stop());
  }
  const std::string pg_url = TestDatabaseUrl(pg_dir);
  const auto migrate = [](const std::string& from, const std::string& to) {
    const std::string command = std::string(PITWALL_BINARY) + " migrate --from '" + from + "' --to '" + to + "' 2>&1";
    std::string output;
    FILE* p = ::popen(command.c_str(), "r");
    char buf[512];
    while (p && std::fgets(buf, sizeof buf, p)) output += buf;
    const int status = p ? ::pclose(p) : -1;
    return std::make_pair(status, output);
  };
  auto [to_pg, to_pg_out] = migrate("sqlite:" + sqlite_dir + "/pitwall.db", pg_url);
  ASSERT_EQ(to_pg, 0) << to_pg_out;
  EXPECT_NE(to_pg_out.find("submissions"), std::string::npos) << to_pg_out;
  auto [back, back_out] = migrate(pg_url, "sqlite:" + back_dir + "/pitwall.db");
  ASSERT_EQ(back, 0) << back_out;
  // A second move into a database that holds a league is refused, and changes nothing.
  auto [again, again_out] = migrate("sqlite:" + sqlite_dir + "/pitwall.db", pg_url);
  EXPECT_NE(again, 0);
  EXPECT_NE(again_out.find("already holds a league"), std::string::npos) << again_out;

  auto sqlite = db::Open("sqlite:" + sqlite_dir + "/pitwall.db");
  auto postgres = db::Open(pg_url);
  auto returned = db::Open("sqlite:" + back_dir + "/pitwall.db");
  int64_t rows = 0;
  for (const std::string& table : server::store::LeagueTables()) {
    const auto want = server::store::DumpTable(*sqlite, table);
    EXPECT_EQ(server::store::DumpTable(*postgres, table), want) << table << " differs on PostgreSQL";
    EXPECT_EQ(server::store::DumpTable(*returned, table), want) << table << " differs after the way back";
    rows += static_cast<int64_t>(want.size());
  }
  EXPECT_GT(rows, 10);
  EXPECT_EQ(ExpectEveryRunReplays(*postgres), 3);
  EXPECT_EQ(ExpectEveryRunReplays(*returned), 3);

  // A server on the PostgreSQL copy (with the same data folder, for the models and the key).
  std::filesystem::copy(sqlite_dir + "/models", pg_dir + "/models", std::filesystem::copy_options::recursive);
  std::filesystem::copy_file(sqlite_dir + "/sealing.key", pg_dir + "/sealing.key");
  ServerProcess moved(pg_dir, {});
  ApiClient viewer(moved);
  json shown = Body(viewer.Get("/api/v1/races/1/leaderboard"));
  EXPECT_EQ(shown["entries"], original["entries"]);
  EXPECT_EQ(shown["revision"], original["revision"]);
  // New ids continue after the moved ones.
  ApiClient racer(moved);
  racer.SignUp("newcomer");
  EXPECT_EQ(db::Open(pg_url)->queryInt("SELECT MAX(id) FROM racers"), sqlite->queryInt("SELECT MAX(id) FROM racers") + 1);
}

}  // namespace
}  // namespace pw::testing
