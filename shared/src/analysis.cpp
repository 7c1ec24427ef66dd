#include "pitwall/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pitwall/math.h"
#include "pitwall/reward_params.h"

namespace pw {

const char* ToString(StepStatus status) {
  switch (status) {
    case StepStatus::kPrepare: return "prepare";
    case StepStatus::kInProgress: return "in_progress";
    case StepStatus::kOffTrack: return "off_track";
    case StepStatus::kReversed: return "reversed";
    case StepStatus::kImmobilised: return "immobilized";
    case StepStatus::kLapComplete: return "lap_complete";
    case StepStatus::kPause: return "pause";
    case StepStatus::kTimeUp: return "time_up";
    case StepStatus::kModelError: return "model_error";
    case StepStatus::kCrashed: return "crashed";
  }
  return "?";
}

int RunAnalysis::best_lap() const {
  int best = 0;
  for (const LapResult& l : result.laps)
    if (l.status == LapStatus::kComplete && (best == 0 || l.time_ms < result.laps[static_cast<size_t>(best - 1)].time_ms)) best = l.lap;
  return best;
}

std::vector<const RunStep*> RunAnalysis::lap_steps(int lap) const {
  std::vector<const RunStep*> out;
  for (const RunStep& r : steps)
    if (r.lap == lap) out.push_back(&r);
  return out;
}

namespace {

StepStatus StatusOfLapEnd(LapStatus s) {
  switch (s) {
    case LapStatus::kComplete: return StepStatus::kLapComplete;
    case LapStatus::kOffTrack: return StepStatus::kOffTrack;
    case LapStatus::kReversed: return StepStatus::kReversed;
    case LapStatus::kImmobilised: return StepStatus::kImmobilised;
    case LapStatus::kTimeUp: return StepStatus::kTimeUp;
    case LapStatus::kModelError: return StepStatus::kModelError;
    case LapStatus::kCrashed: return StepStatus::kCrashed;
  }
  return StepStatus::kInProgress;
}

/// A row where the car is now (a lap's start, or a held step): no action applied.
RunStep RowAtCar(const Trial& trial, double lap_length_m) {
  RunStep r;
  const CarState& c = trial.car();
  const Vec2 p = trial.car_model().TrackedPoint(c);
  r.x = p.x;
  r.y = p.y;
  r.yaw_deg = RadToDeg(dmath::WrapAngle(c.heading_rad));
  r.car_speed_mps = c.speed_mps;
  r.all_wheels_on_track = trial.OnRoad(p);
  r.progress_pct = trial.lap_progress_pct();
  r.distance_m = r.progress_pct / 100.0 * lap_length_m;
  const RewardParams params = ComputeRewardParams(trial);
  r.closest_waypoint = params.closest_waypoints[0];
  return r;
}

}  // namespace

RunAnalysis AnalyseRun(const Track& track, const RaceRules& rules, const std::vector<TraceStep>& trace, const TrialConfig& config) {
  RunAnalysis out;
  out.lap_length_m = track.length_m();
  Trial trial(track, rules, config);
  ReplayPolicy replay(trace);
  int lap = 1;
  int64_t lap_start_ms = 0, step_in_lap = 0;
  double pause_s = 0;
  auto open_lap = [&] {
    // At the line: laps after the first begin where the last one crossed it, within the step that
    // crossed (the car is drawn where that step ended, a few centimetres on).
    RunStep r = RowAtCar(trial, out.lap_length_m);
    r.lap = lap;
    r.trial_ms = lap_start_ms;
    r.lap_ms = 0;
    r.progress_pct = 0;
    r.distance_m = 0;
    r.status = StepStatus::kPrepare;
    out.steps.push_back(r);
    step_in_lap = 0;
    pause_s = 0;
  };
  open_lap();
  while (!trial.finished()) {
    const size_t laps_before = trial.result().laps.size();
    const bool held = !trial.awaiting_decision();
    RunStep r;
    if (held) {
      trial.Advance(nullptr);
      r = RowAtCar(trial, out.lap_length_m);
      r.held = true;
      pause_s += 1.0 / kControlHz;
      r.pause_s = pause_s;
      r.status = StepStatus::kPause;
    } else {
      const Decision d = replay.Decide(trial.observation());
      trial.Advance(&d);
      const StepEvents& e = trial.last_step();
      const RewardParams params = ComputeRewardParams(trial);
      r.x = params.x;
      r.y = params.y;
      r.yaw_deg = params.heading;
      r.steering_deg = params.steering_angle;
      r.speed_mps = params.speed;
      r.car_speed_mps = e.car.speed_mps;
      r.action = e.discrete_index;
      r.all_wheels_on_track = e.all_wheels_on_track;
      r.progress_pct = e.lap_progress_pct;
      r.closest_waypoint = params.closest_waypoints[0];
      pause_s = 0;
      r.status = e.lap_complete ? StepStatus::kLapComplete
                 : e.crashed    ? StepStatus::kCrashed
                 : e.off_track  ? StepStatus::kOffTrack
                 : e.reversed   ? StepStatus::kReversed
                 : e.immobilised ? StepStatus::kImmobilised
                                 : StepStatus::kInProgress;
    }
    r.lap = lap;
    r.step = ++step_in_lap;
    r.distance_m = r.progress_pct / 100.0 * out.lap_length_m;
    r.trial_ms = trial.time_ms();
    r.lap_ms = r.trial_ms - lap_start_ms;
    const auto& laps = trial.result().laps;
    if (laps.size() > laps_before) {  // this row ended the lap: its time is the lap's, to the millisecond
      const LapResult& ended = laps.back();
      r.lap_ms = ended.time_ms;
      r.trial_ms = lap_start_ms + ended.time_ms;
      r.status = StatusOfLapEnd(ended.status);
      if (ended.status == LapStatus::kComplete) {
        r.progress_pct = 100.0;
        r.distance_m = out.lap_length_m;
      }
      out.steps.push_back(r);
      if (!trial.finished()) {
        lap_start_ms = rules.lap_mode == LapMode::kContinuous ? r.trial_ms : trial.time_ms();
        ++lap;
        open_lap();
      }
      continue;
    }
    out.steps.push_back(r);
  }
  out.result = trial.result();
  return out;
}

std::vector<double> EqualSectors(double lap_length_m, int count) {
  count = std::max(1, count);
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(lap_length_m * i / count);
  return out;
}

std::vector<double> CornerSectors(const Track& track) {
  const double length = track.length_m();
  constexpr double kStep = 0.1, kCornerCurvature = 0.3, kMinCorner = 0.3, kMinStraight = 1.0;
  const int n = std::max(1, static_cast<int>(length / kStep));
  std::vector<bool> bend(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) bend[static_cast<size_t>(i)] = std::fabs(track.CurvatureAt(i * kStep)) > kCornerCurvature;
  // Runs of bend, as [start, end) sample indices, on the lap from the start line.
  std::vector<std::pair<int, int>> corners;
  for (int i = 0; i < n;) {
    if (!bend[static_cast<size_t>(i)]) {
      ++i;
      continue;
    }
    int j = i;
    while (j < n && bend[static_cast<size_t>(j)]) ++j;
    if ((j - i) * kStep >= kMinCorner) {
      if (!corners.empty() && (i - corners.back().second) * kStep < kMinStraight) corners.back().second = j;  // one bend, briefly straight
      else corners.push_back({i, j});
    }
    i = j;
  }
  if (corners.size() < 2) return EqualSectors(length, 3);
  // A sector per corner: boundaries in the middle of the straights between corners.
  std::vector<double> out{0.0};
  for (size_t k = 0; k + 1 < corners.size(); ++k) {
    const double mid = (corners[k].second + corners[k + 1].first) * 0.5 * kStep;
    if (mid > 1.0 && mid < length - 1.0) out.push_back(mid);
  }
  while (out.size() > 8) {  // too many: merge neighbours
    std::vector<double> fewer;
    for (size_t k = 0; k < out.size(); k += 2) fewer.push_back(out[k]);
    out = fewer;
  }
  return out;
}

namespace {

/// For ascending `distances`, interpolates `value` of the rows where lap `lap` first reached each one.
template <typename Value>
std::vector<double> AtDistances(const RunAnalysis& run, int lap, const std::vector<double>& distances, Value value) {
  std::vector<double> out(distances.size(), -1.0);
  const auto rows = run.lap_steps(lap);
  if (rows.empty()) return out;
  size_t k = 0;
  const RunStep* best = rows.front();  // the row that reached furthest so far
  for (; k < distances.size() && distances[k] <= best->distance_m; ++k) out[k] = value(*best);
  for (size_t i = 1; i < rows.size() && k < distances.size(); ++i) {
    const RunStep* r = rows[i];
    if (r->distance_m <= best->distance_m) continue;  // put back after leaving the track, or held: not further yet
    for (; k < distances.size() && distances[k] <= r->distance_m; ++k) {
      const double f = (distances[k] - best->distance_m) / (r->distance_m - best->distance_m);
      out[k] = value(*best) + f * (value(*r) - value(*best));
    }
    best = r;
  }
  return out;
}

}  // namespace

std::vector<double> TimesAtDistances(const RunAnalysis& run, int lap, const std::vector<double>& distances_m) {
  return AtDistances(run, lap, distances_m, [](const RunStep& r) { return static_cast<double>(r.lap_ms); });
}

std::vector<double> SpeedsAtDistances(const RunAnalysis& run, int lap, const std::vector<double>& distances_m) {
  return AtDistances(run, lap, distances_m, [](const RunStep& r) { return r.car_speed_mps; });
}

LapComparison CompareLaps(const RunAnalysis& a, int lap_a, const RunAnalysis& b, int lap_b, const std::vector<double>& sector_start_m,
                          double sample_m) {
  LapComparison c;
  c.lap_a = lap_a;
  c.lap_b = lap_b;
  const double length = a.lap_length_m;
  c.sector_start_m = sector_start_m;
  c.sector_start_m.push_back(length);
  const auto lap_time = [](const RunAnalysis& r, int lap) {
    return lap >= 1 && lap <= static_cast<int>(r.result.laps.size()) ? static_cast<double>(r.result.laps[static_cast<size_t>(lap - 1)].time_ms) : -1.0;
  };
  c.lap_a_ms = lap_time(a, lap_a);
  c.lap_b_ms = lap_time(b, lap_b);
  std::vector<double> ta = TimesAtDistances(a, lap_a, c.sector_start_m), tb = TimesAtDistances(b, lap_b, c.sector_start_m);
  ta.back() = c.lap_a_ms;  // the line itself: the lap's own time, to the millisecond
  tb.back() = c.lap_b_ms;
  for (size_t k = 0; k + 1 < c.sector_start_m.size(); ++k) {
    c.sector_a_ms.push_back(ta[k + 1] - ta[k]);
    c.sector_b_ms.push_back(tb[k + 1] - tb[k]);
    c.sector_delta_ms.push_back(c.sector_a_ms.back() - c.sector_b_ms.back());
  }
  for (double d = 0; d < length; d += sample_m) c.at_m.push_back(d);
  c.at_m.push_back(length);
  std::vector<double> sa = TimesAtDistances(a, lap_a, c.at_m), sb = TimesAtDistances(b, lap_b, c.at_m);
  sa.back() = c.lap_a_ms;
  sb.back() = c.lap_b_ms;
  for (size_t i = 0; i < c.at_m.size(); ++i) c.delta_ms.push_back(sa[i] - sb[i]);
  c.speed_a = SpeedsAtDistances(a, lap_a, c.at_m);
  c.speed_b = SpeedsAtDistances(b, lap_b, c.at_m);
  return c;
}

namespace {
void Count(Histogram& h, double v) {
  const int bins = static_cast<int>(h.counts.size());
  const int i = std::clamp(static_cast<int>(std::floor((v - h.lo) / (h.hi - h.lo) * bins)), 0, bins - 1);
  ++h.counts[static_cast<size_t>(i)];
}
}  // namespace

RunFigures SummariseRun(const RunAnalysis& run, int bins, int action_count) {
  RunFigures f;
  double fastest = 1.0;
  int top_action = action_count - 1;
  for (const RunStep& r : run.steps) {
    fastest = std::max(fastest, r.speed_mps);
    top_action = std::max(top_action, r.action);
  }
  f.steering_deg = {-30.0, 30.0, std::vector<int>(static_cast<size_t>(bins))};
  f.speed_mps = {0.0, std::ceil(fastest * 2.0) / 2.0, std::vector<int>(static_cast<size_t>(bins))};
  f.action_counts.assign(static_cast<size_t>(std::max(0, top_action + 1)), 0);
  for (const RunStep& r : run.steps) {
    if (r.status == StepStatus::kOffTrack || r.status == StepStatus::kReversed || r.status == StepStatus::kImmobilised ||
        r.status == StepStatus::kCrashed)
      f.off_track.push_back(&r);
    if (r.held || r.status == StepStatus::kPrepare) continue;
    Count(f.steering_deg, r.steering_deg);
    Count(f.speed_mps, r.speed_mps);
    if (r.action >= 0) ++f.action_counts[static_cast<size_t>(r.action)];
  }
  return f;
}

std::string SimtraceCsv(const RunAnalysis& run) {
  std::string out = kSimtraceHeader;
  out += '\n';
  char line[512];
  for (size_t i = 0; i < run.steps.size(); ++i) {
    const RunStep& r = run.steps[i];
    const bool done = i + 1 == run.steps.size() || run.steps[i + 1].lap != r.lap;
    char action[64];
    if (r.action >= 0) std::snprintf(action, sizeof action, "%d", r.action);
    else if (r.status == StepStatus::kPrepare || r.held) std::snprintf(action, sizeof action, "-1");
    else std::snprintf(action, sizeof action, "\"[%.2f, %.3f]\"", r.steering_deg, r.speed_mps);
    std::snprintf(line, sizeof line, "%d,%lld,%.4f,%.4f,%.4f,%.2f,%.3f,%s,0.0,%s,%s,%.4f,%d,%.2f,%.3f,%s,%.3f\n", r.lap - 1,
                  static_cast<long long>(r.step), r.x, r.y, r.yaw_deg, r.steering_deg, r.speed_mps, action, done ? "True" : "False",
                  r.all_wheels_on_track ? "True" : "False", r.progress_pct, r.closest_waypoint, run.lap_length_m,
                  static_cast<double>(r.trial_ms) / 1000.0, ToString(r.status), r.pause_s);
    out += line;
  }
  return out;
}

}  // namespace pw
