// The server, measured from outside as a client sees it (a real `pitwall
// serve` on loopback):
//  - submission-to-ranked latency for a starter model on an idle server
//    (target < 500 ms): POST the submission, poll until it is COMPLETED;
//  - evaluations per second with 2 workers: 100 submissions at once, time to drain.
// Leaderboard GET throughput is measured with wrk by bench/server_bench.sh.
#include <algorithm>
#include <iostream>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "server_process.h"

using pw::testing::ApiClient;
using pw::testing::json;
using pw::testing::ServerProcess;

int main(int argc, char** argv) {
  const bool keep = argc > 1 && std::string(argv[1]) == "--keep-running";
  const std::string model_bytes = pw::testing::Starter("park-state");
  ServerProcess server(pw::testing::TempDir("bench"), {"--no-demo"}, 2);
  ApiClient admin(server);
  admin.SignUpAdmin("bench-admin");
  auto race = admin.Post("/api/v1/races", {{"name", "Bench"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"},
                                           {"max_submissions", 1000}});
  const std::string race_id = json::parse(race->body)["id"].dump();
  const int64_t model = json::parse(admin.Upload(model_bytes)->body)["id"];

  std::vector<double> latencies;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto r = admin.Post("/api/v1/races/" + race_id + "/submissions", {{"model_id", model}});
    const std::string path = "/api/v1/submissions/" + json::parse(r->body)["id"].dump();
    while (json::parse(admin.Get(path)->body)["status"] != "COMPLETED") std::this_thread::sleep_for(std::chrono::microseconds(500));
    latencies.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("submission_to_ranked_ms median=%.1f p95=%.1f max=%.1f (target < 500 ms; 3 laps of pitwall_park, starter model)\n",
              latencies[latencies.size() / 2], latencies[latencies.size() * 95 / 100], latencies.back());

  const int n = 100;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) admin.Post("/api/v1/races/" + race_id + "/submissions", {{"model_id", model}});
  while (json::parse(admin.Get("/api/v1/health")->body)["queued"] != 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // The last one may still be evaluating.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("evaluations_per_second=%.1f (%d three-lap evaluations, 2 workers, %.2f s including submission)\n", n / secs, n, secs);
  if (keep) {
    std::printf("leaderboard http://127.0.0.1:%d/api/v1/races/%s/leaderboard\n", server.port(), race_id.c_str());
    std::fflush(stdout);
    std::string line;
    std::getline(std::cin, line);  // the wrk script closes stdin when done
  }
  return 0;
}
