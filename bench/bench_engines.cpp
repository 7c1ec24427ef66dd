// The league on its two engines, side by side, under the same load: a real
// `pitwall serve` on loopback on SQLite (its data folder) and on PostgreSQL
// (a cluster of its own, scripts/postgres.sh, under build/native/pg-bench).
// For each engine it prints:
//  - submission-to-ranked latency on an idle server (20 submissions, one at a time);
//  - evaluations per second with 1 and with 2 evaluation workers (60 submissions at once, time to drain);
//  - leaderboard reads per second while the 2 workers drain the queue (2 client threads, keep-alive;
//    the board's revision changes with each ranked run, so reads go to the database again);
// and PostgreSQL's figures as a ratio of SQLite's.
//
//   build/native/bench/bench_engines [--port 55433]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"

using pw::testing::ApiClient;
using pw::testing::json;
using pw::testing::ServerProcess;

namespace {

struct Figures {
  double median_ms = 0, p95_ms = 0;
  std::map<int, double> evals_per_s;  // by workers
  double reads_per_s = 0;
};

struct League {
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<ApiClient> admin;
  std::string race_id;
  int64_t model = 0;
};

League Start(const std::string& name, int workers) {
  League l;
  l.server = std::make_unique<ServerProcess>(pw::testing::TempDir("bench-engines-" + name),
                                             std::vector<std::string>{"--no-demo", "--max-waiting-per-racer", "1000"}, workers);
  l.admin = std::make_unique<ApiClient>(*l.server);
  try {
    l.admin->SignUpAdmin("bench-admin");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_engines: %s\nthe server said:\n%s\n", e.what(), l.server->startup_output().c_str());
    throw;
  }
  auto race = l.admin->Post("/api/v1/races", {{"name", "Bench"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"},
                                               {"max_submissions", 1000}});
  l.race_id = json::parse(race->body)["id"].dump();
  l.model = json::parse(l.admin->Upload(pw::testing::Starter("park-state"))->body)["id"];
  return l;
}

void UntilCompleted(ApiClient& c, const std::string& id) {
  while (json::parse(c.Get("/api/v1/submissions/" + id)->body)["status"] != "COMPLETED")
    std::this_thread::sleep_for(std::chrono::microseconds(500));
}

// Submits n at once and waits for all; evaluations per second. `during` runs meanwhile.
double Drain(League& l, int n, double* reads_per_s = nullptr) {
  const std::string submit = "/api/v1/races/" + l.race_id + "/submissions";
  std::vector<std::string> ids;
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) ids.push_back(json::parse(l.admin->Post(submit, {{"model_id", l.model}})->body)["id"].dump());
  if (reads_per_s)
    for (int t = 0; t < 2; ++t)
      readers.emplace_back([&] {
        ApiClient viewer(*l.server);
        while (!done) {
          auto r = viewer.Get("/api/v1/races/" + l.race_id + "/leaderboard");
          if (r && r->status == 200) ++reads;
        }
      });
  for (const std::string& id : ids) UntilCompleted(*l.admin, id);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = true;
  for (auto& t : readers) t.join();
  if (reads_per_s) *reads_per_s = static_cast<double>(reads) / secs;
  return n / secs;
}

Figures Measure(const std::string& engine) {
  Figures f;
  {
    League l = Start(engine + "-1", 1);
    std::vector<double> ms;
    const std::string submit = "/api/v1/races/" + l.race_id + "/submissions";
    for (int i = 0; i < 20; ++i) {
      const auto start = std::chrono::steady_clock::now();
      UntilCompleted(*l.admin, json::parse(l.admin->Post(submit, {{"model_id", l.model}})->body)["id"].dump());
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::sort(ms.begin(), ms.end());
    f.median_ms = ms[ms.size() / 2];
    f.p95_ms = ms[ms.size() * 95 / 100];
    f.evals_per_s[1] = Drain(l, 60);
  }
  League l = Start(engine + "-2", 2);
  f.evals_per_s[2] = Drain(l, 60, &f.reads_per_s);
  return f;
}

int Run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

int main(int argc, char** argv) {
  std::string port = "55433";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--port") port = argv[i + 1];
  const std::string pg_dir = std::string(PITWALL_BUILD_DIR) + "/pg-bench";
  const std::string script = std::string(PITWALL_SOURCE_DIR) + "/scripts/postgres.sh";

  ::unsetenv("PITWALL_TEST_DATABASE");
  const Figures sqlite = Measure("sqlite");
  if (Run(script + " start " + pg_dir + " " + port + " --fresh > /dev/null") != 0) {
    std::fprintf(stderr, "bench_engines: PostgreSQL did not start (scripts/postgres.sh)\n");
    return 1;
  }
  ::setenv("PITWALL_TEST_DATABASE", ("postgresql://pitwall@127.0.0.1:" + port + "/pitwall").c_str(), 1);
  const Figures postgres = Measure("postgres");
  Run(script + " stop " + pg_dir);

  for (const auto& [name, f] : {std::pair<const char*, const Figures&>{"sqlite", sqlite}, {"postgresql", postgres}})
    std::printf("engine=%-10s submission_to_ranked_ms median=%.1f p95=%.1f evaluations_per_second[1 worker]=%.1f "
                "evaluations_per_second[2 workers]=%.1f leaderboard_reads_per_second=%.0f\n",
                name, f.median_ms, f.p95_ms, f.evals_per_s.at(1), f.evals_per_s.at(2), f.reads_per_s);
  std::printf("postgresql/sqlite latency_median=%.2f evaluations[1]=%.2f evaluations[2]=%.2f leaderboard_reads=%.2f "
              "(3 laps of pitwall_park, starter model, sandboxed workers, one machine with both)\n",
              postgres.median_ms / sqlite.median_ms, postgres.evals_per_s.at(1) / sqlite.evals_per_s.at(1),
              postgres.evals_per_s.at(2) / sqlite.evals_per_s.at(2), postgres.reads_per_s / sqlite.reads_per_s);
  return 0;
}
