// The rules of a race, as far as a trial and its scoring need them.
// docs/RACE_RULES.md states each in plain words.
#pragma once

#include <cstdint>
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

/// DeepRacer's race types: laps alone, laps round boxes on the track, laps among bot cars.
enum class RaceType { kTimeTrial, kObjectAvoidance, kHeadToBot };

/// A lane: the line halfway between the centre line and one border, named
/// from the driver's seat (left = the left border's side in the driving direction).
enum class Lane { kLeft, kRight };

/// A box placed by the organiser: where along the lap (from the start line) and in which lane.
struct ObstaclePlacement {
  double progress_pct = 50.0;  ///< 0 <= p < 100
  Lane lane = Lane::kLeft;
};

/// A bot car: it drives its lane at a constant speed along the centre line,
/// changing lanes every `lane_change_interval_s` if it may.
struct BotCar {
  double speed_mps = 1.0;              ///< 0.2 .. 6 (DeepRacer's range)
  Lane lane = Lane::kRight;            ///< the lane it starts in
  bool lane_changes = false;
  double lane_change_interval_s = 5.0; ///< 2 .. 60
};

inline constexpr int kMaxObstacles = 6;
inline constexpr int kMaxBots = 6;

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

  // What else is on the track (docs/RACE_RULES.md, "Race types").
  RaceType race_type = RaceType::kTimeTrial;
  int collision_penalty_ms = 5000;  ///< hold after a crash reset (DeepRacer's simulator: 5 s)
  /// Places random boxes and starts lane changes, so every racer of a race meets the same course.
  uint32_t course_seed = 1;
  /// OBJECT_AVOIDANCE: `obstacle_count` boxes; at random from the seed, or at `obstacles` (one per box).
  int obstacle_count = 3;
  bool random_obstacles = true;
  std::vector<ObstaclePlacement> obstacles;
  /// HEAD_TO_BOT: 1 to 6 bot cars, spread evenly round the lap ahead of the start.
  std::vector<BotCar> bots;
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
const char* ToString(RaceType type);  ///< "TIME_TRIAL", "OBJECT_AVOIDANCE", "HEAD_TO_BOT"
const char* ToString(Lane lane);      ///< "LEFT", "RIGHT"
bool ParseRaceType(const std::string& text, RaceType& out);
bool ParseLane(const std::string& text, Lane& out);
const char* ToString(TimingMethod method);
/// Parses "BEST_LAP_TIME" / "AVG_LAP_TIME" / "TOTAL_TIME" (DeepRacer's names).
bool ParseTimingMethod(const std::string& text, TimingMethod& out);
bool ParseLapMode(const std::string& text, LapMode& out);

}  // namespace pw
