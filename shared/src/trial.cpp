#include "pitwall/trial.h"

#include <algorithm>
#include <cmath>

namespace pw {
namespace {
constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;
constexpr double kMsPerStep = 1000.0 / kControlHz;
}  // namespace

float QuantizeSteering(double deg) { return static_cast<float>(std::round(deg * 100.0) / 100.0); }
float QuantizeSpeed(double mps) { return static_cast<float>(std::round(mps * 1000.0) / 1000.0); }

const char* ToString(LapStatus status) {
  switch (status) {
    case LapStatus::kComplete: return "complete";
    case LapStatus::kOffTrack: return "off track";
    case LapStatus::kReversed: return "reversed";
    case LapStatus::kImmobilised: return "immobilised";
    case LapStatus::kTimeUp: return "time up";
    case LapStatus::kModelError: return "model error";
    case LapStatus::kCrashed: return "crashed";
  }
  return "?";
}

bool ParseLapStatus(const std::string& text, LapStatus& out) {
  for (LapStatus s : {LapStatus::kComplete, LapStatus::kOffTrack, LapStatus::kReversed, LapStatus::kImmobilised, LapStatus::kTimeUp,
                      LapStatus::kModelError, LapStatus::kCrashed})
    if (text == ToString(s)) return out = s, true;
  return false;
}

int TrialResult::complete_laps() const {
  return static_cast<int>(std::count_if(laps.begin(), laps.end(), [](const LapResult& l) { return l.status == LapStatus::kComplete; }));
}

Decision ReplayPolicy::Decide(const Observation&) {
  Decision d;
  if (next_ >= steps_.size()) {
    d.error = "the trace ended after " + std::to_string(steps_.size()) + " actions";
    return d;
  }
  const TraceStep& s = steps_[next_++];
  d.action = {s.steering_deg, s.speed_mps};
  d.discrete_index = s.discrete_index;
  return d;
}

Trial::Trial(const Track& track, const RaceRules& rules, const TrialConfig& config)
    : track_(track),
      rules_(rules),
      config_(config),
      model_(config.car),
      sensors_(track_, model_, config_.sensors),
      course_(track_, rules_, config.car, track.closed() ? config.start_s_m : 0.0) {
  result_.fingerprint = kFnvOffset;
  // An open segment cannot be lapped continuously: every lap starts from the start line.
  if (!track_.closed()) rules_.lap_mode = LapMode::kStandingStart;
  if (!track_.closed()) config_.start_s_m = 0.0;
  CarState start;
  start.position = track_.CenterAt(config_.start_s_m);
  start.heading_rad = dmath::Heading(track_.TangentAt(config_.start_s_m));
  start_s_m_ = Locate(model_.TrackedPoint(start)).s_m;
  last_step_.car = start;
  lap_length_m_ = track_.closed() ? track_.length_m() : track_.length_m() - start_s_m_;
  StartEpisode();
}

void Trial::StartEpisode() {
  trial_steps_before_ += episode_steps_;
  episode_steps_ = 0;
  car_ = CarState{};
  car_.position = track_.CenterAt(config_.start_s_m);
  car_.heading_rad = dmath::Heading(track_.TangentAt(config_.start_s_m));
  const TrackPosition pos = Locate(model_.TrackedPoint(car_));
  s_m_ = pos.s_m;
  offset_m_ = pos.offset_m;
  travelled_m_ = 0.0;
  lap_start_ms_ = 0;
  hold_steps_ = reversed_steps_ = still_steps_ = 0;
  lap_off_track_ = lap_resets_ = lap_crashes_ = 0;
  Observe();
}

double Trial::StepsToMs(double steps) const { return steps * kMsPerStep; }

int64_t Trial::time_ms() const {
  return std::llround(StepsToMs(static_cast<double>(trial_steps_before_ + episode_steps_)));
}

double Trial::lap_progress_pct() const {
  const int laps_in_episode = rules_.lap_mode == LapMode::kContinuous ? static_cast<int>(result_.laps.size()) : 0;
  const double done = travelled_m_ - lap_length_m_ * laps_in_episode;
  return std::clamp(100.0 * done / lap_length_m_, 0.0, 100.0);
}

bool Trial::OnRoad(Vec2 p) const {
  return config_.core_version >= kRoadBetweenBordersCoreVersion ? track_.OnRoad(p) : track_.OnRoadAsQuads(p);
}

TrackPosition Trial::Locate(Vec2 p) const {
  return config_.core_version >= kRoadBetweenBordersCoreVersion ? track_.Locate(p) : track_.LocateAsQuads(p);
}

void Trial::Observe() {
  obs_.time_s = static_cast<double>(time_ms()) / 1000.0;
  obs_.car = car_;
  obs_.position = Locate(model_.TrackedPoint(car_));
  if (!course_.empty()) course_.At(EpisodeSeconds(static_cast<double>(episode_steps_)), obs_.objects);
  sensors_.Fill(obs_);
}

void Trial::Hash(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint64_t h = result_.fingerprint;
  for (size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * kFnvPrime;
  result_.fingerprint = h;
}

void Trial::FinishLap(LapStatus status, int64_t lap_time_ms, double progress_pct) {
  LapResult lap;
  lap.lap = static_cast<int>(result_.laps.size()) + 1;
  lap.time_ms = lap_time_ms;
  lap.status = status;
  lap.off_track_count = lap_off_track_;
  lap.resets = lap_resets_;
  lap.progress_pct = progress_pct;
  lap.crash_count = lap_crashes_;
  result_.laps.push_back(lap);
  const int64_t record[5] = {lap.lap, lap.time_ms, static_cast<int64_t>(status), lap.off_track_count, lap.resets};
  Hash(record, sizeof record);
  if (!course_.empty()) Hash(&lap.crash_count, sizeof lap.crash_count);  // time trials hash as in core version 1
  lap_off_track_ = lap_resets_ = lap_crashes_ = 0;

  const bool trial_time_up = rules_.trial_time_limit_ms > 0 && time_ms() >= rules_.trial_time_limit_ms;
  const bool last_lap = static_cast<int>(result_.laps.size()) >= rules_.laps;
  const bool continuous = rules_.lap_mode == LapMode::kContinuous;
  if (last_lap || trial_time_up || status == LapStatus::kModelError || (continuous && status != LapStatus::kComplete)) {
    finished_ = true;
    result_.end = status;
    result_.steps = trial_steps_before_ + episode_steps_;
    result_.sim_time_ms = time_ms();
    return;
  }
  if (!continuous) StartEpisode();
}

void Trial::PlaceOnLane(double s_m, double side) {
  const double half = side > 0.0 ? track_.LeftWidthAt(s_m) : track_.RightWidthAt(s_m);
  const Vec2 tangent = track_.TangentAt(s_m);
  const Vec2 tp = track_.CenterAt(s_m) + LeftNormal(tangent) * (side * 0.5 * half);
  car_ = CarState{};
  car_.heading_rad = dmath::Heading(tangent);
  car_.position = tp - dmath::Direction(car_.heading_rad) * model_.params().tracked_point_m;
}

void Trial::ResetToPreviousProgress() {
  // DeepRacer: back at the previous step's progress, at rest, on the nearer
  // lane (halfway between the centre line and that side's border).
  PlaceOnLane(prev_s_m_, prev_offset_m_ >= 0.0 ? 1.0 : -1.0);
  MeasureProgress(prev_travelled_m_, prev_s_m_);
}

std::vector<CourseObject> Trial::objects() const {
  std::vector<CourseObject> now;
  if (!course_.empty()) course_.At(EpisodeSeconds(static_cast<double>(episode_steps_)), now);
  return now;
}

void Trial::ResetBehind(const CourseObject& hit) {
  // Back on the lane the car was nearer (as after going off track), far enough
  // behind what it hit that it can steer round it; and behind anything else
  // that would stand where it is put.
  const CarParams& p = model_.params();
  const double front = p.length_m - p.rear_overhang_m - p.tracked_point_m;  // tracked point to the car's nose
  const double side = offset_m_ >= 0.0 ? 1.0 : -1.0;
  course_.At(EpisodeSeconds(static_cast<double>(episode_steps_)), objects_);
  double behind_s = hit.s_m - hit.footprint.half_length - front - kCrashResetGapM;
  for (int attempt = 0; attempt < 2 * (kMaxObstacles + kMaxBots); ++attempt) {
    const double s = track_.WrapS(behind_s);
    PlaceOnLane(s, side);
    const Footprint body = CarFootprint(p, car_);
    const CourseObject* in_the_way = nullptr;
    for (const CourseObject& o : objects_)
      if (Overlaps(body, o.footprint)) in_the_way = &o;
    if (in_the_way == nullptr) break;
    behind_s = in_the_way->s_m - in_the_way->footprint.half_length - front - kCrashResetGapM;
    double back = behind_s - s;  // always further back than the last try
    if (track_.closed() && back > 0.5 * track_.length_m()) back -= track_.length_m();
    if (track_.closed() && back < -0.5 * track_.length_m()) back += track_.length_m();
    behind_s = s + std::min(back, -0.1);
  }
  MeasureProgress(travelled_m_, s_m_);
}

double Trial::MeasureProgress(double from_travelled_m, double from_s_m) {
  const TrackPosition pos = Locate(model_.TrackedPoint(car_));
  double delta = pos.s_m - from_s_m;
  if (track_.closed()) {  // the shorter way round a loop
    if (delta > 0.5 * track_.length_m()) delta -= track_.length_m();
    if (delta < -0.5 * track_.length_m()) delta += track_.length_m();
  }
  travelled_m_ = from_travelled_m + delta;
  s_m_ = pos.s_m;
  offset_m_ = pos.offset_m;
  return delta;
}

void Trial::HandleEvent(LapStatus event, int penalty_ms, const CourseObject* hit) {
  if (event == LapStatus::kOffTrack) ++lap_off_track_;
  if (event == LapStatus::kCrashed) ++lap_crashes_;
  reversed_steps_ = still_steps_ = 0;
  if (rules_.reset_on_off_track) {
    ++lap_resets_;
    if (hit != nullptr) ResetBehind(*hit);
    else ResetToPreviousProgress();
    hold_steps_ = static_cast<int>((static_cast<int64_t>(penalty_ms) * kControlHz + 999) / 1000);
    return;
  }
  FinishLap(event, std::llround(StepsToMs(static_cast<double>(episode_steps_))) - lap_start_ms_, lap_progress_pct());
}

void Trial::Advance(const Decision* decision) {
  if (finished_) return;
  if (hold_steps_ > 0) {
    --hold_steps_;
    ++episode_steps_;
    const double held[5] = {car_.position.x, car_.position.y, car_.heading_rad, car_.speed_mps, car_.steering_rad};
    Hash(held, sizeof held);
  } else {
    std::string error;
    if (decision == nullptr) error = "no decision was given";
    else if (!decision->ok()) error = decision->error;
    else if (!std::isfinite(decision->action.steering_deg) || !std::isfinite(decision->action.speed_mps))
      error = "the action is NaN or infinite";
    if (!error.empty()) {
      result_.error = error;
      FinishLap(LapStatus::kModelError, std::llround(StepsToMs(static_cast<double>(episode_steps_))) - lap_start_ms_,
                lap_progress_pct());
      return;
    }
    const CarParams& p = model_.params();
    // Actions are applied at 0.01 degree and 1 mm/s: far finer than a servo or a
    // motor controller, and what a trace stores, so a replay applies exactly the same.
    const float steer = QuantizeSteering(std::clamp(decision->action.steering_deg, -p.max_steering_deg, p.max_steering_deg));
    const float speed = QuantizeSpeed(std::clamp(decision->action.speed_mps, p.min_speed_mps, p.max_speed_mps));
    if (config_.record_trace) result_.trace.push_back({steer, speed, decision->discrete_index});
    last_step_ = StepEvents{};
    last_step_.applied = {steer, speed};
    last_step_.discrete_index = decision->discrete_index;

    prev_s_m_ = s_m_;
    prev_offset_m_ = offset_m_;
    prev_travelled_m_ = travelled_m_;
    const Vec2 prev_position = car_.position;
    const double dt = 1.0 / (kControlHz * kPhysicsSubsteps);
    // With boxes or bots on the track, a crash is looked for after every physics step (0.07 m at
    // full speed, so the car cannot pass through a box); the car stops where it touched.
    int crashed_into = -1;
    for (int i = 0; i < kPhysicsSubsteps && crashed_into < 0; ++i) {
      model_.Step(car_, DegToRad(steer), speed, dt);
      if (course_.empty()) continue;
      course_.At(EpisodeSeconds(static_cast<double>(episode_steps_) + (i + 1.0) / kPhysicsSubsteps), objects_);
      const Footprint body = CarFootprint(p, car_);
      for (size_t k = 0; k < objects_.size() && crashed_into < 0; ++k)
        if (Overlaps(body, objects_[k].footprint)) crashed_into = static_cast<int>(k);
    }
    const CourseObject hit = crashed_into >= 0 ? objects_[static_cast<size_t>(crashed_into)] : CourseObject{};
    ++episode_steps_;

    const double delta = MeasureProgress(travelled_m_, s_m_);
    const double state[5] = {car_.position.x, car_.position.y, car_.heading_rad, car_.speed_mps, car_.steering_rad};
    Hash(state, sizeof state);
    const WheelPositions wheels = model_.Wheels(car_);
    bool any_on = false, all_on = true;
    for (const Vec2& w : wheels.wheel) {
      const bool on = OnRoad(w);
      any_on = any_on || on;
      all_on = all_on && on;
    }
    last_step_.car = car_;
    last_step_.all_wheels_on_track = all_on;
    last_step_.off_track = !any_on;
    last_step_.crashed = crashed_into >= 0;
    last_step_.crashed_into = crashed_into;
    last_step_.lap_progress_pct = lap_progress_pct();

    // The finish line: interpolate the crossing inside the step.
    const int laps_in_episode = rules_.lap_mode == LapMode::kContinuous ? static_cast<int>(result_.laps.size()) : 0;
    const double boundary = lap_length_m_ * (laps_in_episode + 1);
    if (travelled_m_ >= boundary && prev_travelled_m_ < boundary) {
      const double f = (boundary - prev_travelled_m_) / (travelled_m_ - prev_travelled_m_);
      const int64_t crossing_ms = std::llround(StepsToMs(static_cast<double>(episode_steps_ - 1) + f));
      const int64_t lap_ms = crossing_ms - lap_start_ms_;
      lap_start_ms_ = crossing_ms;
      const bool standing = rules_.lap_mode == LapMode::kStandingStart;
      last_step_.lap_complete = true;
      last_step_.lap_progress_pct = 100.0;
      FinishLap(LapStatus::kComplete, lap_ms, 100.0);
      if (finished_ || standing) return;  // a standing start begins its next episode in FinishLap
      // A reset in this same step must not put the car behind the line it just crossed.
      prev_travelled_m_ = boundary;
      prev_s_m_ = track_.WrapS(start_s_m_ + boundary);
    }

    reversed_steps_ = delta < 0.0 ? reversed_steps_ + 1 : 0;
    still_steps_ = Distance(car_.position, prev_position) <= kImmobilisedM ? still_steps_ + 1 : 0;
    last_step_.reversed = any_on && reversed_steps_ >= kEventSteps;
    last_step_.immobilised = any_on && !last_step_.reversed && still_steps_ >= kEventSteps;
    if (crashed_into >= 0) HandleEvent(LapStatus::kCrashed, rules_.collision_penalty_ms, &hit);
    else if (!any_on) HandleEvent(LapStatus::kOffTrack, rules_.off_track_penalty_ms);
    else if (reversed_steps_ >= kEventSteps) HandleEvent(LapStatus::kReversed, rules_.off_track_penalty_ms);
    else if (still_steps_ >= kEventSteps) HandleEvent(LapStatus::kImmobilised, rules_.immobilised_penalty_ms);
    if (finished_) return;
  }

  // Time limits: the trial's, the lap's, and the hard cap on steps.
  const int64_t lap_ms = std::llround(StepsToMs(static_cast<double>(episode_steps_))) - lap_start_ms_;
  const bool trial_up = rules_.trial_time_limit_ms > 0 && time_ms() >= rules_.trial_time_limit_ms;
  const bool lap_up = rules_.lap_time_limit_ms > 0 && lap_ms >= rules_.lap_time_limit_ms;
  if (trial_up || lap_up || episode_steps_ >= rules_.max_steps_per_episode) {
    hold_steps_ = 0;
    FinishLap(LapStatus::kTimeUp, lap_ms, lap_progress_pct());
    if (!finished_ && rules_.lap_mode == LapMode::kContinuous) finished_ = true;
    if (finished_) return;
  }
  if (hold_steps_ == 0 && !finished_) Observe();
}

TrialResult RunTrial(const Track& track, const RaceRules& rules, Policy& policy, const TrialConfig& config,
                     const std::function<void(const Trial&)>& after_step) {
  Trial trial(track, rules, config);
  while (!trial.finished()) {
    if (trial.awaiting_decision()) {
      const Decision d = policy.Decide(trial.observation());
      trial.Advance(&d);
    } else {
      trial.Advance(nullptr);
    }
    if (after_step) after_step(trial);
  }
  return trial.result();
}

}  // namespace pw
