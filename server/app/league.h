// The server's shared state: where the data lives, the live-update broker,
// the evaluation queue's wake-up signal, in-memory progress and caches. One
// instance per running server; handlers and workers take it by reference.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "events.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"

namespace pw::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "./data";
  int workers = 0;               ///< 0: the number of cores
  int http_threads = 64;
  int max_streams = 32;          ///< concurrent SSE connections
  int invite_attempts_per_minute = 10;  ///< invitation look-ups per client
  std::string public_dir;        ///< static files (public/), "" for none
  std::string app_dir;           ///< the browser app's build output, "" for none
  bool seed_demo = true;
  int64_t step_budget_us = 100'000;
};

/// A race as the evaluator and the API need it.
struct RaceInfo {
  int64_t id = 0;
  std::string name, description, kind, race_type, track_id;
  std::string visibility = "public";  ///< community races: "participants" or "public" leaderboard
  RaceRules rules;
  int64_t opens_at = 0, closes_at = 0;
  int max_submissions = 0;
  int64_t created_by = 0, created_at = 0, revision = 0;
  std::shared_ptr<const Track> track;
};

struct Progress {
  int lap = 0;
  double lap_progress_pct = 0.0;
  double total_progress_pct = 0.0;
};

class League {
 public:
  explicit League(ServerConfig config);
  const ServerConfig& config() const { return config_; }
  std::string db_path() const { return config_.data_dir + "/pitwall.db"; }
  std::string models_dir() const { return config_.data_dir + "/models"; }
  SQLite::Database& db() const;  ///< this thread's connection

  EventBroker& events() { return events_; }

  /// Races are cached with their parsed track; invalidated when a race changes.
  std::optional<RaceInfo> Race(int64_t race_id);
  void ForgetRace(int64_t race_id);
  /// Bumps and returns a race's leaderboard revision (call inside the writing transaction).
  int64_t BumpRevision(SQLite::Database& db, int64_t race_id);
  int64_t Revision(int64_t race_id);

  /// Community races are private: only the organiser and participants see them
  /// (the leaderboard too, unless it is public). Everyone sees league races.
  bool IsMember(const RaceInfo& race, int64_t racer_id);
  bool CanView(const RaceInfo& race, int64_t racer_id) { return race.kind == "LEAGUE" || IsMember(race, racer_id); }
  bool CanViewLeaderboard(const RaceInfo& race, int64_t racer_id) {
    return race.kind == "LEAGUE" || race.visibility == "public" || IsMember(race, racer_id);
  }

  void SetProgress(int64_t submission_id, const Progress& p);
  std::optional<Progress> GetProgress(int64_t submission_id);
  void ClearProgress(int64_t submission_id);

  void WakeWorkers() { queue_cv_.notify_all(); }
  void WaitForWork(int ms);
  std::atomic<bool> stopping{false};
  std::atomic<int> open_streams{0};

 private:
  ServerConfig config_;
  EventBroker events_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<RaceInfo>> races_;
  std::map<int64_t, int64_t> revisions_;
  std::map<int64_t, Progress> progress_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
};

}  // namespace pw::server
