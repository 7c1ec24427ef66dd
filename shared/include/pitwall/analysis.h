// Run analysis: what a run did step by step, re-simulated from its trace by
// the core (so it is the server's run exactly), and the figures racers study:
// sector times and the time delta along the lap against another run, speed
// and steering distributions, where the car left the track, and DeepRacer's
// simtrace CSV, so existing analysis notebooks read Pitwall runs. The browser
// app, the server (GET /submissions/{id}/steps.csv) and `pitwall analyse` all
// call these functions; nothing here is stored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pitwall/policy.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"
#include "pitwall/trial.h"

namespace pw {

/// DeepRacer's episode_status values, as its simtrace writes them.
enum class StepStatus { kPrepare, kInProgress, kOffTrack, kReversed, kImmobilised, kLapComplete, kPause, kTimeUp, kModelError, kCrashed };
const char* ToString(StepStatus status);

/// One row of a run: a lap's start, or a control step.
struct RunStep {
  int lap = 1;                   ///< 1-based
  int64_t step = 0;              ///< control steps since the lap began (0: its start)
  int64_t trial_ms = 0;          ///< the trial's clock at the row (a lap's finishing and prepare rows: the crossing)
  int64_t lap_ms = 0;            ///< since the lap began; the finishing row has the lap's time
  double x = 0, y = 0;           ///< the tracked point, metres
  double yaw_deg = 0;            ///< the car's heading, degrees in (-180, 180]
  double steering_deg = 0;       ///< the action as applied (+ = left); 0 while held
  double speed_mps = 0;          ///< the action's speed as applied; 0 while held
  double car_speed_mps = 0;      ///< how fast the car was going
  int action = -1;               ///< the discrete action's index (-1: continuous, or none)
  bool held = false;             ///< a penalty step: the car held, no decision
  bool all_wheels_on_track = true;
  double progress_pct = 0;       ///< of the lap, 0..100
  double distance_m = 0;         ///< along the lap from its start line (progress x lap length)
  int closest_waypoint = 0;
  double pause_s = 0;            ///< how long the car has been held so far (penalties)
  StepStatus status = StepStatus::kInProgress;
};

struct RunAnalysis {
  TrialResult result;
  double lap_length_m = 0;
  std::vector<RunStep> steps;    ///< in order: each lap opens with a kPrepare row
  /// The fastest complete lap (1-based), 0 when none was completed.
  int best_lap() const;
  /// The rows of lap `lap` (1-based), its kPrepare row first.
  std::vector<const RunStep*> lap_steps(int lap) const;
};

/// Re-runs a trace (as replays do) and records every row.
RunAnalysis AnalyseRun(const Track& track, const RaceRules& rules, const std::vector<TraceStep>& trace, const TrialConfig& config = {});

/// Sector boundaries: the distances along the lap where sectors start, the first 0.
/// `count` equal sectors by distance.
std::vector<double> EqualSectors(double lap_length_m, int count);
/// The track's own sectors: one per corner, split in the middle of the straights between them
/// (3 equal sectors when the track has fewer than two corners, and at most 8 sectors).
std::vector<double> CornerSectors(const Track& track);

/// When lap `lap` first reached each distance, in ms since the lap began (interpolated between steps);
/// the lap length itself is the lap's time. -1 where the lap never got there.
std::vector<double> TimesAtDistances(const RunAnalysis& run, int lap, const std::vector<double>& distances_m);
/// The car's speed (m/s) where lap `lap` first passed each distance.
std::vector<double> SpeedsAtDistances(const RunAnalysis& run, int lap, const std::vector<double>& distances_m);

/// One lap of run A against one lap of run B. Deltas are A minus B: positive where A lost time.
struct LapComparison {
  int lap_a = 0, lap_b = 0;
  std::vector<double> sector_start_m;   ///< as given, with the lap length appended
  std::vector<double> sector_a_ms, sector_b_ms, sector_delta_ms;
  double lap_a_ms = 0, lap_b_ms = 0;
  std::vector<double> at_m;             ///< sample distances along the lap
  std::vector<double> delta_ms;         ///< A's time minus B's at each sample (who gains where)
  std::vector<double> speed_a, speed_b; ///< m/s at each sample
};
/// Compares lap `lap_a` of `a` with lap `lap_b` of `b` (both complete laps) over the sectors
/// starting at `sector_start_m`, sampling the delta every `sample_m` metres.
LapComparison CompareLaps(const RunAnalysis& a, int lap_a, const RunAnalysis& b, int lap_b, const std::vector<double>& sector_start_m,
                          double sample_m = 0.25);

struct Histogram {
  double lo = 0, hi = 0;
  std::vector<int> counts;  ///< equal bins over [lo, hi]
};
/// What one run did, over the steps that took a decision.
struct RunFigures {
  Histogram steering_deg;                ///< -30..30
  Histogram speed_mps;                   ///< 0..the fastest action
  std::vector<int> action_counts;        ///< discrete models: how often each action was chosen
  std::vector<const RunStep*> off_track; ///< where the car left the track (and reversed, stopped or crashed)
};
RunFigures SummariseRun(const RunAnalysis& run, int bins = 12, int action_count = 0);

/// DeepRacer's simtrace columns, in its order.
inline constexpr const char* kSimtraceHeader =
    "episode,steps,X,Y,yaw,steer,throttle,action,reward,done,all_wheels_on_track,progress,closest_waypoint,track_len,tstamp,"
    "episode_status,pause_duration";
/// The run as DeepRacer's simtrace CSV: one episode per lap (0-based), `tstamp` the trial's clock in
/// seconds (a lap's time is its finishing row's tstamp minus its prepare row's), `reward` 0 (a race has
/// no reward function), `action` the discrete index or "[steer, throttle]".
std::string SimtraceCsv(const RunAnalysis& run);

}  // namespace pw
