#include "events.h"

#include <chrono>

namespace pw::server {

void EventBroker::Publish(int64_t race_id, const std::string& type, const std::string& data) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& q = races_[race_id];
    q.push_back({++next_id_[race_id], type, data});
    while (q.size() > 256) q.pop_front();
  }
  cv_.notify_all();
}

int64_t EventBroker::LastId(int64_t race_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return next_id_[race_id];
}

std::vector<RaceEvent> EventBroker::WaitAfter(int64_t race_id, int64_t after_id, int wait_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return shutdown_ || next_id_[race_id] > after_id; });
  std::vector<RaceEvent> out;
  for (const RaceEvent& e : races_[race_id])
    if (e.id > after_id) out.push_back(e);
  return out;
}

void EventBroker::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
}

}  // namespace pw::server
