#include "pitwall/rules.h"

namespace pw {

std::vector<FieldError> ValidateRules(const RaceRules& r) {
  std::vector<FieldError> errors;
  if (r.laps < 1 || r.laps > 10) errors.push_back({"laps", "must be between 1 and 10"});
  if (r.min_laps < 1 || r.min_laps > 10) errors.push_back({"min_laps", "must be between 1 and 10"});
  else if (r.laps >= 1 && r.min_laps > r.laps) errors.push_back({"min_laps", "cannot be more than laps"});
  if (r.timing == TimingMethod::kTotalTime && r.min_laps != r.laps)
    errors.push_back({"min_laps", "TOTAL_TIME races need min_laps equal to laps"});
  if (r.off_track_penalty_ms < 0 || r.off_track_penalty_ms > 10000)
    errors.push_back({"off_track_penalty_ms", "must be between 0 and 10000"});
  if (r.immobilised_penalty_ms < 0 || r.immobilised_penalty_ms > 10000)
    errors.push_back({"immobilised_penalty_ms", "must be between 0 and 10000"});
  if (r.trial_time_limit_ms < 0 || r.trial_time_limit_ms > 3600000)
    errors.push_back({"trial_time_limit_ms", "must be between 0 (none) and 3600000"});
  if (r.lap_time_limit_ms < 0 || r.lap_time_limit_ms > 3600000)
    errors.push_back({"lap_time_limit_ms", "must be between 0 (none) and 3600000"});
  if (r.max_steps_per_episode < 1 || r.max_steps_per_episode > 100000)
    errors.push_back({"max_steps_per_episode", "must be between 1 and 100000"});
  if (r.collision_penalty_ms < 0 || r.collision_penalty_ms > 10000)
    errors.push_back({"collision_penalty_ms", "must be between 0 and 10000"});
  if (r.course_seed > 2147483647u) errors.push_back({"course_seed", "must be between 0 and 2147483647"});
  if (r.race_type == RaceType::kObjectAvoidance) {
    if (r.obstacle_count < 1 || r.obstacle_count > kMaxObstacles)
      errors.push_back({"obstacle_count", "must be between 1 and " + std::to_string(kMaxObstacles)});
    else if (!r.random_obstacles && static_cast<int>(r.obstacles.size()) != r.obstacle_count)
      errors.push_back({"obstacles", "fixed placement needs one position per box (" + std::to_string(r.obstacle_count) + "), not " +
                                         std::to_string(r.obstacles.size())});
    for (size_t i = 0; i < r.obstacles.size(); ++i)
      if (!(r.obstacles[i].progress_pct >= 0.0 && r.obstacles[i].progress_pct < 100.0))
        errors.push_back({"obstacles[" + std::to_string(i) + "].progress_pct", "must be at least 0 and below 100"});
  } else if (!r.obstacles.empty()) {
    errors.push_back({"obstacles", "boxes are placed only in OBJECT_AVOIDANCE races"});
  }
  if (r.race_type == RaceType::kHeadToBot) {
    if (r.bots.empty() || r.bots.size() > static_cast<size_t>(kMaxBots))
      errors.push_back({"bots", "must list between 1 and " + std::to_string(kMaxBots) + " bot cars"});
    for (size_t i = 0; i < r.bots.size(); ++i) {
      const BotCar& b = r.bots[i];
      const std::string at = "bots[" + std::to_string(i) + "]";
      if (!(b.speed_mps >= 0.2 && b.speed_mps <= 6.0)) errors.push_back({at + ".speed_mps", "must be between 0.2 and 6"});
      if (!(b.lane_change_interval_s >= 2.0 && b.lane_change_interval_s <= 60.0))
        errors.push_back({at + ".lane_change_interval_s", "must be between 2 and 60"});
    }
  } else if (!r.bots.empty()) {
    errors.push_back({"bots", "bot cars drive only in HEAD_TO_BOT races"});
  }
  return errors;
}

const char* ToString(LapMode mode) { return mode == LapMode::kContinuous ? "CONTINUOUS" : "STANDING_START"; }

const char* ToString(TimingMethod method) {
  switch (method) {
    case TimingMethod::kBestLap: return "BEST_LAP_TIME";
    case TimingMethod::kAverageLap: return "AVG_LAP_TIME";
    case TimingMethod::kTotalTime: return "TOTAL_TIME";
  }
  return "?";
}

bool ParseTimingMethod(const std::string& text, TimingMethod& out) {
  for (TimingMethod m : {TimingMethod::kBestLap, TimingMethod::kAverageLap, TimingMethod::kTotalTime})
    if (text == ToString(m)) return out = m, true;
  return false;
}

const char* ToString(RaceType type) {
  switch (type) {
    case RaceType::kTimeTrial: return "TIME_TRIAL";
    case RaceType::kObjectAvoidance: return "OBJECT_AVOIDANCE";
    case RaceType::kHeadToBot: return "HEAD_TO_BOT";
  }
  return "?";
}

const char* ToString(Lane lane) { return lane == Lane::kLeft ? "LEFT" : "RIGHT"; }

bool ParseRaceType(const std::string& text, RaceType& out) {
  for (RaceType t : {RaceType::kTimeTrial, RaceType::kObjectAvoidance, RaceType::kHeadToBot})
    if (text == ToString(t)) return out = t, true;
  return false;
}

bool ParseLane(const std::string& text, Lane& out) {
  for (Lane l : {Lane::kLeft, Lane::kRight})
    if (text == ToString(l)) return out = l, true;
  return false;
}

bool ParseLapMode(const std::string& text, LapMode& out) {
  for (LapMode m : {LapMode::kContinuous, LapMode::kStandingStart})
    if (text == ToString(m)) return out = m, true;
  return false;
}

}  // namespace pw
