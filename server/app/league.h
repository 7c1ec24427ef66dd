// The server's shared state: where the data lives, the live-update broker,
// the evaluation queue's wake-up signal, in-memory progress and caches. One
// instance per running server; handlers and workers take it by reference.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <semaphore>
#include <set>
#include <string>
#include <vector>

#include "db.h"

#include "auth.h"
#include "events.h"
#include "http_edge.h"
#include "rate_limiter.h"
#include "store/race_store.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"

namespace pw::server {

/// Every limit here is a `pitwall serve` option; docs/SECURITY.md lists them.
struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "./data";
  std::string database;          ///< a db.h URL; "": sqlite:<data_dir>/pitwall.db
  int database_connections = 16; ///< PostgreSQL: connections HTTP requests share (each thread of its own: +1)
  int workers = 0;               ///< 0: the number of cores; -1: none (serve --no-workers)
  int http_threads = 32;         ///< threads serving requests (live streams have their own)
  int max_connections = 4096;    ///< open client sockets
  int head_timeout_ms = 10'000;  ///< a whole request head, from its first byte
  int idle_timeout_ms = 5'000;   ///< keep-alive between requests
  int body_timeout_ms = 60'000;  ///< a large body (model upload)
  size_t max_json_bytes = 1u << 20;        ///< JSON request bodies
  size_t max_upload_bytes = 8u << 20;      ///< model uploads (the gate's own limit)
  size_t max_anonymous_body_bytes = 64u << 10;  ///< bodies sent without a session
  size_t body_budget_bytes = 64u << 20;    ///< all large bodies being read at once
  int max_streams = 64;          ///< concurrent SSE connections
  int max_streams_per_client = 4;
  int stream_lifetime_s = 600;   ///< then the stream ends and the client reconnects
  int invite_attempts_per_minute = 10;  ///< invitation look-ups per client
  int signin_per_minute = 10;    ///< per client address (burst: 20)
  int signin_free_failures = 5;  ///< per alias, before the backoff doubles each time
  int register_per_hour = 30;    ///< per client address (burst: 10)
  int writes_per_minute = 600;   ///< other writes (POST/PATCH/PUT/DELETE) per client (burst: 120)
  int hash_concurrency = 0;      ///< argon2id hashes at once (0: cores - 1, at least 1)
  int hash_wait_ms = 5'000;      ///< a sign-in waits this long for a slot, then 503
  std::vector<std::string> trusted_proxies;  ///< peers whose X-Forwarded-For is believed
  // Quotas per racer (issue: one racer must not take the league's disk or queue).
  int max_models_per_racer = 50;
  int64_t max_model_bytes_per_racer = 200ll << 20;  ///< stored model bytes
  int max_waiting_per_racer = 20;                    ///< submissions queued or evaluating at once
  int community_races_per_day = 10;
  std::string public_dir;        ///< static files (public/), "" for none
  std::string app_dir;           ///< the browser app's build output, "" for none
  bool seed_demo = true;
  int64_t step_budget_us = 100'000;
  // Evaluation workers (docs/SECURITY.md, Models).
  bool sandbox = true;                          ///< false: evaluate in this process (trusted models only)
  std::string worker_binary;                    ///< "": this executable
  int64_t worker_memory_bytes = 1ll << 30;      ///< a worker's address space
  int worker_cpu_seconds = 150;                 ///< a worker's processor time
  int load_timeout_ms = 10'000;                 ///< loading a model
  int evaluation_timeout_ms = 120'000;          ///< a whole evaluation, load included
  int lease_ms = 30'000;  ///< an evaluation's lease, renewed every third of it while its worker lives
};

/// A race as the evaluator and the API need it: as stored, with its track parsed.
struct RaceInfo : store::RaceRecord {
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
  /// The database URL (db.h): the configured one, or the SQLite file in the data folder.
  /// The database's URL (the data folder's SQLite file unless --database named one), worked out once.
  const std::string& database_url() const { return database_url_; }
  std::string models_dir() const { return config_.data_dir + "/models"; }
  db::Connection& db() const;  ///< this thread's connection (the one it borrowed, if it did)
  /// On PostgreSQL, lends this thread one of the shared connections for as long as the lease lives
  /// (an HTTP request); nothing on SQLite, where each thread keeps its own. Throws db::Error when
  /// every connection stays busy.
  std::optional<db::Pool::Lease> BorrowConnection();

  EventBroker& events() { return events_; }
  bool shared_database() const { return engine_ == db::Engine::kPostgres; }  ///< other servers and workers may share it
  /// Tells the race's live listeners what happened (JSON `data`). On PostgreSQL through
  /// NOTIFY, so the listeners of every server hear it (FollowSharedEvents), this one's included.
  void Publish(int64_t race_id, const std::string& type, const std::string& data);
  /// Applies what other servers and workers publish (on PostgreSQL): live events, new
  /// revisions, races changed, evaluation progress. Runs until `stopping`; reconnects.
  void FollowSharedEvents();

  /// Races are cached with their parsed track; invalidated when a race changes.
  std::optional<RaceInfo> Race(int64_t race_id);
  void ForgetRace(int64_t race_id);
  /// Makes a bumped revision the one readers see (call after the commit: a reader
  /// that saw it earlier would cache the old board under the new revision).
  void PublishRevision(int64_t race_id, int64_t revision);
  int64_t Revision(int64_t race_id);

  /// Community races are private: only the organiser and participants see them
  /// (the leaderboard too, unless it is public). Everyone sees league races.
  bool IsMember(const RaceInfo& race, int64_t racer_id);
  bool CanView(const RaceInfo& race, int64_t racer_id) { return race.kind == RaceKind::kLeague || IsMember(race, racer_id); }
  /// Anyone sees a league race's leaderboard, or a community race's made public.
  static bool BoardIsPublic(const RaceInfo& race) {
    return race.kind == RaceKind::kLeague || race.visibility == BoardVisibility::kPublic;
  }
  bool CanViewLeaderboard(const RaceInfo& race, int64_t racer_id) { return BoardIsPublic(race) || IsMember(race, racer_id); }

  void SetProgress(int64_t submission_id, const Progress& p);
  std::optional<Progress> GetProgress(int64_t submission_id);
  void ClearProgress(int64_t submission_id);
  /// Evaluations this process is running (their leases are renewed while it lives).
  void AddLeased(int64_t submission_id);
  void RemoveLeased(int64_t submission_id);
  std::vector<int64_t> Leased();

  void WakeWorkers() { queue_cv_.notify_all(); }

  /// The rate limits and shared budgets of the HTTP edge.
  struct Guards {
    explicit Guards(const ServerConfig& c);
    TokenBuckets signin, registration, writes;
    FailureBackoff signin_failures;
    std::counting_semaphore<256> hash_slots;
    std::mutex mu;
    std::map<std::string, int> streams_by_client;
    size_t body_bytes_reading = 0;
  };
  Guards& guards() { return guards_; }
  /// A token from one of the guards' buckets (`name`: which) for `key`: in memory on SQLite; in the
  /// database on PostgreSQL, so that every server behind a load balancer draws on one budget.
  bool TakeToken(TokenBuckets& bucket, const std::string& name, const std::string& key, int& retry_after_s);
  /// Sign-in failures per alias key, shared the same way.
  bool SigninMayTry(const std::string& alias_key, int& retry_after_s);
  void SigninFailed(const std::string& alias_key);
  void SigninSucceeded(const std::string& alias_key);
  /// The HTTP edge's connection figures (for /health); set by the server.
  std::function<EdgeStats()> edge_stats;
  /// Seals what only the server may read back (invitation links for their organisers), with the
  /// key in the data folder (made on first start). OpenSealer loads it; false says why not.
  bool OpenSealer(std::string& error);
  const Sealer& sealer() const {
    if (!sealer_) throw std::logic_error("the server's sealing key is not loaded");
    return *sealer_;
  }
  /// A one-time token that makes a signed-in racer the first admin; "" once there is one.
  std::string admin_setup_token_hash;
  void WaitForWork(int ms);
  std::atomic<bool> stopping{false};
  std::atomic<int> open_streams{0};

 private:
  std::optional<Sealer> sealer_;
  std::unique_ptr<db::Pool> pool_;
  std::string event_channel_;  ///< PostgreSQL: this league's NOTIFY channel (store::EventChannel)
  std::string EventChannel();
  ServerConfig config_;
  std::string database_url_;                 // every store call asks for it: made once
  db::Engine engine_ = db::Engine::kSqlite;  // as db::ParseUrl names it
  Guards guards_;
  EventBroker events_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<RaceInfo>> races_;
  std::map<int64_t, int64_t> revisions_;
  std::map<int64_t, Progress> progress_;
  std::set<int64_t> leased_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
};

}  // namespace pw::server
