// Limits on how often a client may do something. Memory stays bounded under a
// flood of distinct clients: each limiter keeps at most `max_keys` entries and
// forgets the idle ones first.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace pw::server {

/// A sliding-window limit on attempts per client (invitation redemptions, so
/// that tokens cannot be guessed by brute force).
class RateLimiter {
 public:
  RateLimiter(int max_attempts, int64_t window_ms) : max_(max_attempts), window_ms_(window_ms) {}
  /// Records an attempt by `client`; false (with the seconds to wait) when over the limit.
  bool Allow(const std::string& client, int64_t now_ms, int& retry_after_s);

 private:
  int max_;
  int64_t window_ms_;
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> attempts_;
};

/// Token buckets per key: up to `burst` at once, refilled at `per_minute`.
class TokenBuckets {
 public:
  TokenBuckets(double burst, double per_minute, size_t max_keys = 100'000)
      : burst_(burst), per_ms_(per_minute / 60000.0), max_keys_(max_keys) {}
  /// Takes one token for `key`; false (with the seconds until one is back) when empty.
  bool Take(const std::string& key, int64_t now_ms, int& retry_after_s);
  double burst() const { return burst_; }
  double per_ms() const { return per_ms_; }

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  double burst_, per_ms_;
  size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

/// Sign-in failures per alias: the first `free_failures` cost nothing, then
/// each further attempt waits twice as long as the last (up to `max_wait_s`).
/// A success clears the alias.
class FailureBackoff {
 public:
  FailureBackoff(int free_failures, int max_wait_s, size_t max_keys = 100'000)
      : free_(free_failures), max_wait_s_(max_wait_s), max_keys_(max_keys) {}
  /// Whether `key` may try now; if not, the seconds to wait.
  bool MayTry(const std::string& key, int64_t now_ms, int& retry_after_s);
  void Failed(const std::string& key, int64_t now_ms);
  void Succeeded(const std::string& key);
  int free_failures() const { return free_; }
  int max_wait_s() const { return max_wait_s_; }

 private:
  struct Entry {
    int failures = 0;
    int64_t next_ms = 0;
  };
  int free_, max_wait_s_;
  size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace pw::server
