// Live updates: each race has a stream of events (leaderboard changed,
// submission status and progress) that Server-Sent Events connections follow.
// Bounded memory: a race keeps its last 256 events; a slow client that falls
// further behind simply receives the newest state next.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace pw::server {

struct RaceEvent {
  int64_t id = 0;        ///< increasing per race: the SSE id
  std::string type;      ///< "leaderboard", "submission"
  std::string data;      ///< JSON
};

class EventBroker {
 public:
  void Publish(int64_t race_id, const std::string& type, const std::string& data);
  /// Events of a race after `after_id`, waiting up to `wait_ms` for one to arrive.
  std::vector<RaceEvent> WaitAfter(int64_t race_id, int64_t after_id, int wait_ms);
  int64_t LastId(int64_t race_id);
  void Shutdown();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, std::deque<RaceEvent>> races_;
  std::map<int64_t, int64_t> next_id_;
  bool shutdown_ = false;
};

}  // namespace pw::server
