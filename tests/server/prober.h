// What an attack test watches while it runs: the server's resident memory,
// and an ordinary visitor (health checks and leaderboard reads) who must be
// answered throughout.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"

namespace pw::testing {

/// A process's resident memory (VmRSS), in bytes.
inline size_t RssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

/// Resident memory once the server has given back what it can (it trims its
/// heap every second): the least of samples over 1.5 s.
inline size_t SettledRssBytes(pid_t pid) {
  size_t least = RssBytes(pid);
  for (int i = 0; i < 15; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    least = std::min(least, RssBytes(pid));
  }
  return least;
}

// Polls /health and a leaderboard on its own keep-alive connection, as an
// ordinary visitor does, for as long as it lives.
class Prober {
 public:
  Prober(const ServerProcess& server, std::string leaderboard) : server_(server), leaderboard_(std::move(leaderboard)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Prober() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double P99Ms() {
    std::lock_guard<std::mutex> lock(mu_);
    if (ms_.empty()) return 1e9;
    std::vector<double> v = ms_;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(static_cast<double>(v.size()) * 0.99))];
  }
  int failures() const { return failures_; }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return ms_.size();
  }

 private:
  void Run() {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_keep_alive(true);
    c.set_read_timeout(10, 0);
    bool board = false;
    while (!stop_) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = c.Get(board ? leaderboard_.c_str() : "/api/v1/health");
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!r || r->status != 200) ++failures_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ms_.push_back(ms);
      }
      board = !board;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  const ServerProcess& server_;
  std::string leaderboard_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  std::mutex mu_;
  std::vector<double> ms_;
};


}  // namespace pw::testing
