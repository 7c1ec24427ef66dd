#include "rate_limiter.h"

namespace pw::server {

bool RateLimiter::Allow(const std::string& client, int64_t now_ms, int& retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (attempts_.size() > 100000) attempts_.clear();  // bounded memory under a flood of addresses
  auto& q = attempts_[client];
  while (!q.empty() && q.front() <= now_ms - window_ms_) q.pop_front();
  if (static_cast<int>(q.size()) >= max_) {
    retry_after_s = static_cast<int>((q.front() + window_ms_ - now_ms + 999) / 1000);
    if (retry_after_s < 1) retry_after_s = 1;
    return false;
  }
  q.push_back(now_ms);
  return true;
}

}  // namespace pw::server
