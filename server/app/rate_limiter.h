// A sliding-window limit on attempts per client (invitation redemptions, so
// that tokens cannot be guessed by brute force).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace pw::server {

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

}  // namespace pw::server
