// The rules of a race, as far as a trial and its scoring need them.
// docs/RACE_RULES.md states each in plain words.
#pragma once

#include <string>
#include <vector>

namespace pw {

/// Continuous: one run, laps after the first are flying laps (the DeepRacer
/// league default). Standing start: every lap starts from rest on the start line.
enum class LapMode { kContinuous, kStandingStart };

/// How a racer's laps become one ranking time.
enum class TimingMethod {
  kBestLap,     ///< fastest complete lap
  kAverageLap,  ///< lowest mean over any min_laps consecutive complete laps
  kTotalTime,   ///< sum of all laps (requires min_laps == laps)
};

struct RaceRules {
  int laps = 3;                     ///< laps per trial (maximum laps)
  int min_laps = 3;                 ///< consecutive complete laps needed to be ranked
  LapMode lap_mode = LapMode::kContinuous;
  TimingMethod timing = TimingMethod::kBestLap;
  bool reset_on_off_track = true;   ///< false: going off track (or reversing, or stopping) ends the lap
  int off_track_penalty_ms = 2000;  ///< hold after an off-track reset; also used for reversing
  int immobilised_penalty_ms = 0;
  int trial_time_limit_ms = 180000; ///< the whole trial (sim clock); 0 = none
  int lap_time_limit_ms = 0;        ///< each lap; 0 = none
  int max_steps_per_episode = 100000;
};

/// The defaults above: 3 continuous laps, best lap time, 2 s off-track resets, 180 s.
inline RaceRules DefaultRaceRules() { return {}; }

/// A problem with one field of a value, for forms and API field errors.
struct FieldError {
  std::string field;
  std::string message;
};

/// Every rule outside its allowed range, by field name (empty when valid).
std::vector<FieldError> ValidateRules(const RaceRules& rules);

const char* ToString(LapMode mode);
const char* ToString(TimingMethod method);
/// Parses "BEST_LAP_TIME" / "AVG_LAP_TIME" / "TOTAL_TIME" (DeepRacer's names).
bool ParseTimingMethod(const std::string& text, TimingMethod& out);
bool ParseLapMode(const std::string& text, LapMode& out);

}  // namespace pw
