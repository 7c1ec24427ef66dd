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
  db::Statement q(db(),
                      "SELECT id, name, description, kind, race_type, track_id, track_json, timing_method, laps, min_laps, lap_mode, "
                      "reset_on_off_track, off_track_penalty_ms, opens_at, closes_at, max_submissions, created_by, created_at, "
                      "revision, visibility, rules_json FROM races WHERE id = ?");
  q.bind(1, race_id);
  if (!q.executeStep()) return std::nullopt;
  auto r = std::make_shared<RaceInfo>();
  r->id = q.getColumn(0).getInt64();
  r->name = q.getColumn(1).getString();
  r->description = q.getColumn(2).getString();
  r->kind = q.getColumn(3).getString();
  r->race_type = q.getColumn(4).getString();
  r->track_id = q.getColumn(5).getString();
  auto track = ImportTrack(q.getColumn(6).getString(), r->track_id + ".json");
  if (!track) return std::nullopt;  // cannot happen: stored tracks were checked when the race was made
  r->track = std::make_shared<const Track>(std::move(track).value());
  ParseTimingMethod(q.getColumn(7).getString(), r->rules.timing);
  r->rules.laps = q.getColumn(8).getInt();
  r->rules.min_laps = q.getColumn(9).getInt();
  ParseLapMode(q.getColumn(10).getString(), r->rules.lap_mode);
  r->rules.reset_on_off_track = q.getColumn(11).getInt() != 0;
  r->rules.off_track_penalty_ms = q.getColumn(12).getInt();
  r->opens_at = q.getColumn(13).getInt64();
  r->closes_at = q.getColumn(14).getInt64();
  r->max_submissions = q.getColumn(15).getInt();
  r->created_by = q.getColumn(16).getInt64();
  r->created_at = q.getColumn(17).getInt64();
  const int64_t revision = q.getColumn(18).getInt64();
  r->visibility = q.getColumn(19).getString();
  // Every rule as the race was made (migration 5): the columns above hold only some of them.
  if (!q.getColumn(20).isNull()) {
    auto rules = RulesFromJson(nlohmann::json::parse(q.getColumn(20).getString(), nullptr, false));
    if (!rules) return std::nullopt;  // cannot happen: stored rules were the codec's own output
    r->rules = rules.value();
  }
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
  db::Statement q(db(), "SELECT 1 FROM race_participants WHERE race_id = ? AND racer_id = ?");
  q.bind(1, race.id);
  q.bind(2, racer_id);
  return q.executeStep();
}

void League::ForgetRace(int64_t race_id) {
  std::lock_guard<std::mutex> lock(mu_);
  races_.erase(race_id);
}

int64_t League::BumpRevision(db::Connection& db, int64_t race_id) {
  db::Statement q(db, "UPDATE races SET revision = revision + 1 WHERE id = ? RETURNING revision");
  q.bind(1, race_id);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
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
