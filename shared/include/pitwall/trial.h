// A trial: one car, one track, a policy, the race rules; laps timed on the
// sim clock. The core of both the server's evaluation and the browser's
// preview. Deterministic: the same track, rules and action stream give the
// same result bit for bit on every platform (see the golden tests).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pitwall/car.h"
#include "pitwall/course.h"
#include "pitwall/policy.h"
#include "pitwall/rules.h"
#include "pitwall/sensors.h"
#include "pitwall/track.h"

namespace pw {

/// The simulation's version: bump it whenever a trial's result for the same
/// inputs changes (the golden fingerprints change with it). Traces carry it.
/// Version 2 added race types (boxes, bot cars, crashes, LIDAR); it runs time trials exactly as
/// version 1 did. Version 3 takes the road to be the area between the borders, as DeepRacer does,
/// where 1 and 2 took the union of the quads between consecutive waypoints, and locates a point on
/// the centre segment whose band across the road holds it, where 1 and 2 searched near the quad
/// that held it. The two differ only where quads twist or overlap (tight hairpins, border points
/// paired far along the road). A trial follows the version it is given (TrialConfig::core_version),
/// so traces of 1 and 2 replay exactly.
inline constexpr int kCoreVersion = 3;
inline constexpr int kOldestReplayableCoreVersion = 1;
/// The first version whose road is the area between the borders (Track::OnRoad).
inline constexpr int kRoadBetweenBordersCoreVersion = 3;

inline constexpr int kControlHz = 15;          ///< one observation and one action per 1/15 s
inline constexpr int kPhysicsSubsteps = 4;     ///< fixed physics steps per control step
inline constexpr int kEventSteps = 15;         ///< consecutive steps that make "reversed" or "immobilised"
inline constexpr double kImmobilisedM = 0.0003;///< moving this little per step counts as not moving

/// The resolution actions are applied at: 0.01 degree of steering, 1 mm/s of speed.
float QuantizeSteering(double deg);
float QuantizeSpeed(double mps);

enum class LapStatus { kComplete, kOffTrack, kReversed, kImmobilised, kTimeUp, kModelError, kCrashed };
const char* ToString(LapStatus status);
/// The reverse of ToString ("complete", "off track", ...); false for anything else.
bool ParseLapStatus(const std::string& text, LapStatus& out);

struct LapResult {
  int lap = 0;                 ///< 1-based
  int64_t time_ms = 0;         ///< sim clock, penalties included; finish crossing interpolated in the step
  LapStatus status = LapStatus::kComplete;
  int off_track_count = 0;
  int resets = 0;              ///< off track, crash, reversed and immobilised resets
  double progress_pct = 0.0;   ///< how much of the lap was driven (100 when complete)
  int crash_count = 0;         ///< crashes into boxes and bot cars
};

struct TrialResult {
  std::vector<LapResult> laps;
  LapStatus end = LapStatus::kComplete;  ///< kComplete when every lap was run
  std::string error;                     ///< the model's error, when end is kModelError
  int64_t steps = 0;                     ///< control steps, held ones included
  int64_t sim_time_ms = 0;
  uint64_t fingerprint = 0;              ///< hash of every step's car state and the laps
  std::vector<TraceStep> trace;          ///< the applied actions, in order
  int complete_laps() const;
};

struct TrialConfig {
  CarParams car = DefaultCarParams();
  SensorConfig sensors;
  bool record_trace = true;
  /// Where the car starts and laps are timed from, as arc length along the
  /// centre line (wrapped on loops). Races start at 0; training starts anywhere.
  double start_s_m = 0.0;
  /// The racing core version whose rules the trial follows: replays set their trace's
  /// (DecodedTrace::core_version), so a run recorded by an older core replays as it was raced.
  int core_version = kCoreVersion;
};

/// What the last control step that took a decision did: the car where the
/// step ended (before any reset put it back), the action as applied, and the
/// events the step raised. Reward functions and analysis read it.
struct StepEvents {
  CarState car;
  Action applied;                 ///< quantized and clipped, as the physics used it
  int discrete_index = -1;
  bool all_wheels_on_track = true;
  bool off_track = false;
  bool crashed = false;
  int crashed_into = -1;          ///< which of the course's objects (Course::At's order), when crashed
  bool reversed = false;
  bool immobilised = false;
  bool lap_complete = false;
  double lap_progress_pct = 0.0;  ///< of the lap being driven when the step ended (100 when it completed one)
};

/// A trial that advances one control step at a time, for callers that get
/// their actions asynchronously (the browser's ONNX Runtime Web) or animate.
class Trial {
 public:
  Trial(const Track& track, const RaceRules& rules, const TrialConfig& config = {});
  Trial(const Trial&) = delete;
  Trial& operator=(const Trial&) = delete;

  bool finished() const { return finished_; }
  /// False while the car is held for a penalty: then Advance takes no decision.
  bool awaiting_decision() const { return !finished_ && hold_steps_ == 0; }
  /// The view for the next decision (valid when awaiting_decision()).
  const Observation& observation() const { return obs_; }
  /// Runs one control step with the decision (ignored, and may be null, while held).
  void Advance(const Decision* decision);

  const TrialResult& result() const { return result_; }
  const Track& track() const { return track_; }
  const RaceRules& rules() const { return rules_; }
  const CarState& car() const { return car_; }
  /// The last step that took a decision (at the start: the car at rest, nothing applied).
  const StepEvents& last_step() const { return last_step_; }
  /// Control steps since the trial started, held ones included.
  int64_t steps() const { return trial_steps_before_ + episode_steps_; }
  /// Control steps since the episode started (the whole trial when continuous; the lap if standing
  /// start): the course's clock (Course::At at episode_steps() / kControlHz).
  int64_t episode_steps() const { return episode_steps_; }
  const CarModel& car_model() const { return model_; }
  const Course& course() const { return course_; }
  /// Where laps are timed from: the tracked point's arc length at the start.
  double start_s_m() const { return start_s_m_; }
  /// The boxes and bots now (held steps included), for drawing.
  std::vector<CourseObject> objects() const;
  int current_lap() const { return static_cast<int>(result_.laps.size()) + 1; }
  /// Progress of the current lap, 0..100.
  double lap_progress_pct() const;
  /// Whether a point is on the road, and where it is along the centre line, as
  /// the core version this trial follows sees them.
  bool OnRoad(Vec2 p) const;
  TrackPosition Locate(Vec2 p) const;
  int64_t time_ms() const;

 private:
  void StartEpisode();
  void Observe();
  void FinishLap(LapStatus status, int64_t time_ms, double progress_pct);
  void HandleEvent(LapStatus event, int penalty_ms, const CourseObject* hit = nullptr);
  void ResetToPreviousProgress();
  void ResetBehind(const CourseObject& hit);
  /// The car at rest on a lane (side +1 left, -1 right) with its tracked point at arc length s.
  void PlaceOnLane(double s_m, double side);
  /// Progress to the car's position now, from where it was (travelled, arc length); the change in s.
  double MeasureProgress(double from_travelled_m, double from_s_m);
  double EpisodeSeconds(double steps) const { return steps / kControlHz; }
  void Hash(const void* data, size_t size);
  double StepsToMs(double steps) const;

  const Track& track_;
  RaceRules rules_;
  TrialConfig config_;
  CarModel model_;
  SensorSuite sensors_;
  Course course_;
  std::vector<CourseObject> objects_;  // scratch: the course at one moment
  double lap_length_m_ = 0.0;
  double start_s_m_ = 0.0;

  CarState car_;
  Observation obs_;
  TrialResult result_;
  StepEvents last_step_;
  bool finished_ = false;

  // The current episode (the whole trial when continuous, one lap if standing start).
  int64_t episode_steps_ = 0;     // control steps since the episode started (clock, held included)
  int64_t trial_steps_before_ = 0;// steps of earlier episodes
  int64_t lap_start_ms_ = 0;      // episode clock at the start of the current lap
  double travelled_m_ = 0.0;      // progress along the centre line since the start line
  double s_m_ = 0.0;              // tracked point's arc length now
  double offset_m_ = 0.0;
  double prev_s_m_ = 0.0, prev_offset_m_ = 0.0, prev_travelled_m_ = 0.0;  // the step before
  int hold_steps_ = 0;
  int reversed_steps_ = 0;
  int still_steps_ = 0;
  int lap_off_track_ = 0;
  int lap_resets_ = 0;
  int lap_crashes_ = 0;
};

/// Runs a whole trial with a policy; `after_step`, if given, sees the trial after every control step (progress reports).
TrialResult RunTrial(const Track& track, const RaceRules& rules, Policy& policy, const TrialConfig& config = {},
                     const std::function<void(const Trial&)>& after_step = nullptr);

}  // namespace pw
