#include "league.h"

#include <algorithm>
#include <thread>

#include "database.h"
#include "pitwall/json_codec.h"
#include "pitwall/track_io.h"

namespace pw::server {

League::Guards::Guards(const ServerConfig& c)
    : signin(20, c.signin_per_minute),
      registration(10, c.register_per_hour / 60.0),
      writes(120, c.writes_per_minute),
      signin_failures(c.signin_free_failures, 300),
      hash_slots(std::clamp(c.hash_concurrency > 0 ? c.hash_concurrency : static_cast<int>(std::thread::hardware_concurrency()) - 1, 1, 256)) {}

League::League(ServerConfig config) : config_(std::move(config)), guards_(config_) {}

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

void League::WaitForWork(int ms) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_cv_.wait_for(lock, std::chrono::milliseconds(ms));
}

}  // namespace pw::server
