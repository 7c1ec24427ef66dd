#include "league.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "database.h"
#include "store/event_store.h"
#include "store/limit_store.h"
#include "pitwall/json_codec.h"
#include "pitwall/track_io.h"

namespace pw::server {

League::Guards::Guards(const ServerConfig& c)
    : signin(20, c.signin_per_minute),
      registration(10, c.register_per_hour / 60.0),
      writes(120, c.writes_per_minute),
      signin_failures(c.signin_free_failures, 300),
      hash_slots(std::clamp(c.hash_concurrency > 0 ? c.hash_concurrency : static_cast<int>(std::thread::hardware_concurrency()) - 1, 1, 256)) {}

League::League(ServerConfig config)
    : config_(std::move(config)),
      database_url_(config_.database.empty() ? "sqlite:" + config_.data_dir + "/pitwall.db" : config_.database),
      guards_(config_) {
  std::string target, error;
  if (!db::ParseUrl(database_url_, engine_, target, error)) engine_ = db::Engine::kSqlite;  // opening it says what is wrong
  if (shared_database()) pool_ = std::make_unique<db::Pool>(database_url(), config_.database_connections, 5000);
}

std::optional<db::Pool::Lease> League::BorrowConnection() {
  if (!pool_ || pool_->LentHere()) return std::nullopt;
  return pool_->Borrow();
}

bool League::TakeToken(TokenBuckets& bucket, const std::string& name, const std::string& key, int& retry_after_s) {
  if (!pool_) return bucket.Take(key, NowMs(), retry_after_s);
  const auto lease = BorrowConnection();
  return store::TakeToken(db(), name + " " + key, bucket.burst(), bucket.per_ms(), NowMs(), retry_after_s);
}

bool League::SigninMayTry(const std::string& alias_key, int& retry_after_s) {
  if (!pool_) return guards_.signin_failures.MayTry(alias_key, NowMs(), retry_after_s);
  return store::SigninMayTry(db(), alias_key, NowMs(), retry_after_s);
}

void League::SigninFailed(const std::string& alias_key) {
  if (!pool_) return guards_.signin_failures.Failed(alias_key, NowMs());
  store::SigninFailed(db(), alias_key, guards_.signin_failures.free_failures(), guards_.signin_failures.max_wait_s(), NowMs());
}

void League::SigninSucceeded(const std::string& alias_key) {
  if (!pool_) return guards_.signin_failures.Succeeded(alias_key);
  store::SigninSucceeded(db(), alias_key);
}

db::Connection& League::db() const { return db::ThreadConnection(database_url()); }

bool League::OpenSealer(std::string& error) {
  sealer_ = Sealer::LoadOrCreate(config_.data_dir + "/sealing.key", error);
  return sealer_.has_value();
}

std::optional<RaceInfo> League::Race(int64_t race_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = races_.find(race_id);
    if (it != races_.end()) {
      RaceInfo copy = *it->second;
      copy.revision = revisions_[race_id];
      return copy;
    }
  }
  auto stored = store::FindRace(db(), race_id);
  if (!stored) return std::nullopt;
  auto track = ImportTrack(stored->track_json, stored->race.track_id + ".json");
  if (!track) return std::nullopt;  // cannot happen: stored tracks were checked when the race was made
  auto r = std::make_shared<RaceInfo>();
  static_cast<store::RaceRecord&>(*r) = std::move(stored->race);
  r->track = std::make_shared<const Track>(std::move(track).value());
  const int64_t revision = r->revision;
  std::lock_guard<std::mutex> lock(mu_);
  races_[race_id] = r;
  if (revisions_[race_id] < revision) revisions_[race_id] = revision;
  RaceInfo copy = *r;
  copy.revision = revisions_[race_id];
  return copy;
}

bool League::IsMember(const RaceInfo& race, int64_t racer_id) {
  if (racer_id <= 0) return false;
  if (race.created_by == racer_id) return true;
  return store::IsParticipant(db(), race.id, racer_id);
}

void League::ForgetRace(int64_t race_id) {
  std::lock_guard<std::mutex> lock(mu_);
  races_.erase(race_id);
}

void League::PublishRevision(int64_t race_id, int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (revisions_[race_id] < revision) revisions_[race_id] = revision;
}

int64_t League::Revision(int64_t race_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = revisions_.find(race_id);
    if (it != revisions_.end()) return it->second;
  }
  auto r = Race(race_id);
  return r ? r->revision : 0;
}

void League::SetProgress(int64_t id, const Progress& p) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_[id] = p;
}

std::optional<Progress> League::GetProgress(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = progress_.find(id);
  if (it == progress_.end()) return std::nullopt;
  return it->second;
}

void League::ClearProgress(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_.erase(id);
}


void League::Publish(int64_t race_id, const std::string& type, const std::string& data) {
  if (!shared_database()) return events_.Publish(race_id, type, data);
  const std::string payload = "{\"race\":" + std::to_string(race_id) + ",\"type\":" + nlohmann::json(type).dump() + ",\"data\":" + data + "}";
  try {
    store::NotifyListeners(db(), EventChannel(), payload);
  } catch (const std::exception& e) {
    // The change is stored: live listeners learn it at their next revision check or reconnect.
    std::fprintf(stderr, "pitwall: a live event was not sent: %s\n", e.what());
  }
}

std::string League::EventChannel() {
  std::lock_guard<std::mutex> lock(mu_);
  if (event_channel_.empty()) event_channel_ = store::EventChannel(db());
  return event_channel_;
}

void League::FollowSharedEvents() {
  bool lost = false;
  while (!stopping) {
    try {
      db::Listener listener(database_url(), EventChannel());
      if (lost) {  // events sent while the connection was down are gone: read races and revisions afresh
        std::lock_guard<std::mutex> lock(mu_);
        races_.clear();
        std::fprintf(stderr, "pitwall: listening for other servers' events again\n");
      }
      while (!stopping) {
        for (const std::string& payload : listener.Wait(500)) {
          const auto j = nlohmann::json::parse(payload, nullptr, false);
          if (!j.is_object() || !j.contains("race") || !j.contains("type") || !j.contains("data")) continue;
          const int64_t race_id = j["race"].get<int64_t>();
          const std::string type = j["type"].get<std::string>();
          const nlohmann::json& data = j["data"];
          if (data.contains("revision") && data["revision"].is_number_integer()) PublishRevision(race_id, data["revision"].get<int64_t>());
          if (type == "race") ForgetRace(race_id);
          if (type == "submission" && data.contains("id")) {
            const int64_t id = data["id"].get<int64_t>();
            if (data.value("status", "") == "EVALUATING" && data.contains("progress_pct"))
              SetProgress(id, {data.value("lap", 1), data.value("lap_progress_pct", 0.0), data.value("progress_pct", 0.0)});
            else if (data.value("status", "") != "EVALUATING")
              ClearProgress(id);
          }
          events_.Publish(race_id, type, data.dump());
        }
      }
    } catch (const std::exception& e) {
      if (!lost) std::fprintf(stderr, "pitwall: not hearing other servers' events: %s\n", e.what());
      lost = true;
      for (int i = 0; i < 10 && !stopping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void League::AddLeased(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  leased_.insert(id);
}

void League::RemoveLeased(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  leased_.erase(id);
}

std::vector<int64_t> League::Leased() {
  std::lock_guard<std::mutex> lock(mu_);
  return {leased_.begin(), leased_.end()};
}

void League::WaitForWork(int ms) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_cv_.wait_for(lock, std::chrono::milliseconds(ms));
}

}  // namespace pw::server
