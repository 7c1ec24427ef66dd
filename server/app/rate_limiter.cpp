#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

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

bool TokenBuckets::Take(const std::string& key, int64_t now_ms, int& retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= max_keys_) {
    // Forget the buckets that have refilled (they hold no state worth keeping);
    // if a flood of keys leaves none, start over.
    for (auto it = buckets_.begin(); it != buckets_.end();)
      it = it->second.tokens + static_cast<double>(now_ms - it->second.at_ms) * per_ms_ >= burst_ ? buckets_.erase(it) : std::next(it);
    if (buckets_.size() >= max_keys_) buckets_.clear();
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + static_cast<double>(now_ms - b.at_ms) * per_ms_);
  b.at_ms = now_ms;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  retry_after_s = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_ms_ / 1000.0)));
  return false;
}

bool FailureBackoff::MayTry(const std::string& key, int64_t now_ms, int& retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now_ms >= it->second.next_ms) return true;
  retry_after_s = std::max(1, static_cast<int>((it->second.next_ms - now_ms + 999) / 1000));
  return false;
}

void FailureBackoff::Failed(const std::string& key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_keys_) {
    for (auto it = entries_.begin(); it != entries_.end();) it = it->second.next_ms < now_ms ? entries_.erase(it) : std::next(it);
    if (entries_.size() >= max_keys_) entries_.clear();
  }
  Entry& e = entries_[key];
  ++e.failures;
  if (e.failures > free_) {
    const int doublings = std::min(e.failures - free_ - 1, 20);
    const int64_t wait_s = std::min<int64_t>(int64_t{1} << doublings, max_wait_s_);
    e.next_ms = now_ms + wait_s * 1000;
  }
}

void FailureBackoff::Succeeded(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

}  // namespace pw::server
