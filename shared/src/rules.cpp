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

bool ParseLapMode(const std::string& text, LapMode& out) {
  for (LapMode m : {LapMode::kContinuous, LapMode::kStandingStart})
    if (text == ToString(m)) return out = m, true;
  return false;
}

}  // namespace pw
