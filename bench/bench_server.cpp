// The server, measured from outside as a client sees it (a real `pitwall
// serve` on loopback), with evaluations in sandboxed worker processes (the
// default) and, for reference, in the server's own process:
//  - submission-to-ranked latency for a starter model on an idle server
//    (target < 500 ms; the sandbox may add at most 20 ms at the median):
//    POST the submission, poll until it is COMPLETED;
//  - evaluations per second with 2 workers: 100 submissions at once, time to drain.
// Leaderboard GET throughput is measured with wrk by bench/server_bench.sh.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "server_process.h"

using pw::testing::ApiClient;
using pw::testing::json;
using pw::testing::ServerProcess;

struct Figures {
  double median_ms = 0, p95_ms = 0, max_ms = 0, evals_per_s = 0;
};

struct Bench {
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<ApiClient> admin;
  std::string race_id;
  int64_t model = 0;
};

Bench Start(const std::string& evaluation) {
  Bench b;
  b.server = std::make_unique<ServerProcess>(pw::testing::TempDir("bench-" + evaluation),
                                             std::vector<std::string>{"--no-demo", "--evaluation", evaluation, "--max-waiting-per-racer", "1000"}, 2);
  b.admin = std::make_unique<ApiClient>(*b.server);
  b.admin->SignUpAdmin("bench-admin");
  auto race = b.admin->Post("/api/v1/races", {{"name", "Bench"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"},
                                               {"max_submissions", 1000}});
  b.race_id = json::parse(race->body)["id"].dump();
  b.model = json::parse(b.admin->Upload(pw::testing::Starter("park-state"))->body)["id"];
  return b;
}

Figures Measure(Bench& b) {
  ApiClient& admin = *b.admin;
  const std::string submit = "/api/v1/races/" + b.race_id + "/submissions";
  auto wait = [&](const std::string& id) {
    while (json::parse(admin.Get("/api/v1/submissions/" + id)->body)["status"] != "COMPLETED")
      std::this_thread::sleep_for(std::chrono::microseconds(500));
  };
  Figures f;
  std::vector<double> latencies;
  for (int i = 0; i < 40; ++i) {
    const auto start = std::chrono::steady_clock::now();
    wait(json::parse(admin.Post(submit, {{"model_id", b.model}})->body)["id"].dump());
    latencies.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // an idle server each time: the next worker is warm
  }
  std::sort(latencies.begin(), latencies.end());
  f.median_ms = latencies[latencies.size() / 2];
  f.p95_ms = latencies[latencies.size() * 95 / 100];
  f.max_ms = latencies.back();

  const int n = 100;
  std::vector<std::string> ids;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) ids.push_back(json::parse(admin.Post(submit, {{"model_id", b.model}})->body)["id"].dump());
  for (const std::string& id : ids) wait(id);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  f.evals_per_s = n / secs;
  return f;
}

int main(int argc, char** argv) {
  const bool keep = argc > 1 && std::string(argv[1]) == "--keep-running";
  Figures in_process;
  {
    Bench b = Start("in-process");
    in_process = Measure(b);
  }
  Bench b = Start("sandboxed");
  const Figures sandboxed = Measure(b);
  for (const auto& [name, f] : {std::pair<const char*, Figures>{"in-process", in_process}, {"sandboxed", sandboxed}})
    std::printf("submission_to_ranked_ms[%s] median=%.1f p95=%.1f max=%.1f evaluations_per_second=%.1f "
                "(3 laps of pitwall_park, starter model, 2 workers; target median < 500 ms)\n",
                name, f.median_ms, f.p95_ms, f.max_ms, f.evals_per_s);
  std::printf("sandbox_cost median_added_ms=%.1f p95_added_ms=%.1f throughput_ratio=%.2f (target: at most 20 ms added at the median)\n",
              sandboxed.median_ms - in_process.median_ms, sandboxed.p95_ms - in_process.p95_ms, sandboxed.evals_per_s / in_process.evals_per_s);
  if (keep) {
    std::printf("leaderboard http://127.0.0.1:%d/api/v1/races/%s/leaderboard\n", b.server->port(), b.race_id.c_str());
    std::fflush(stdout);
    std::string line;
    std::getline(std::cin, line);  // the wrk script closes stdin when done
  }
  return 0;
}
