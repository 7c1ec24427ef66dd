#include "env_batch.h"

#include <algorithm>
#include <cmath>


namespace pw::python {

bool ParseDirection(const std::string& text, Direction& out) {
  if (text == "forward") return out = Direction::kForward, true;
  if (text == "reverse") return out = Direction::kReverse, true;
  if (text == "alternate") return out = Direction::kAlternate, true;
  if (text == "random") return out = Direction::kRandom, true;
  return false;
}

RaceRules TrainingRules() {
  RaceRules r = DefaultRaceRules();
  r.laps = 1;
  r.min_laps = 1;
  r.reset_on_off_track = false;
  r.trial_time_limit_ms = 0;
  r.lap_time_limit_ms = 0;
  r.max_steps_per_episode = 15 * 180;  // 180 s of sim time
  return r;
}

// ---- built-in rewards: the classic DeepRacer examples, in C++ ----------------

namespace {

double FollowCentreLine(const RewardParams& p, const RewardParams&) {
  // DeepRacer's first example: three bands round the centre line.
  const double w = p.track_width;
  if (p.is_offtrack) return 1e-3;
  if (p.distance_from_center <= 0.1 * w) return 1.0;
  if (p.distance_from_center <= 0.25 * w) return 0.5;
  if (p.distance_from_center <= 0.5 * w) return 0.1;
  return 1e-3;
}

double StayInsideBorders(const RewardParams& p, const RewardParams&) {
  return p.all_wheels_on_track && p.distance_from_center < 0.5 * p.track_width - 0.05 ? 1.0 : 1e-3;
}

double ProgressDelta(const RewardParams& p, const RewardParams& previous) {
  // Progress made in this step (percent of the lap): an episode's rewards add up to the progress
  // it made, and a faster car collects them sooner, so discounting favours speed. Leaving the
  // track costs what a tenth of a lap earns.
  if (p.is_offtrack) return -10.0;
  double gained = p.progress - previous.progress;
  if (previous.progress >= 100.0 || gained < -50.0) gained = p.progress;  // a new lap began (multi-lap rules)
  return gained * (p.all_wheels_on_track ? 1.0 : 0.5);
}

double CentreAndSpeed(const RewardParams& p, const RewardParams& previous) {
  if (p.is_offtrack) return 1e-3;
  return FollowCentreLine(p, previous) * (0.5 + 0.5 * p.speed / 4.0);
}

struct Named {
  const char* name;
  BuiltinReward fn;
};
constexpr Named kRewards[] = {
    {"follow_centre_line", FollowCentreLine},
    {"stay_inside_borders", StayInsideBorders},
    {"progress_delta", ProgressDelta},
    {"centre_and_speed", CentreAndSpeed},
};

}  // namespace

BuiltinReward FindBuiltinReward(const std::string& name) {
  for (const Named& r : kRewards)
    if (name == r.name) return r.fn;
  return nullptr;
}

std::vector<std::string> BuiltinRewardNames() {
  std::vector<std::string> out;
  for (const Named& r : kRewards) out.emplace_back(r.name);
  return out;
}

// ---- one car ------------------------------------------------------------------

Car::Car(const EnvConfig* config, uint64_t seed) : config_(config), rng_(seed) {
  Reset(std::nullopt);
  alternate_next_ = false;  // the first episode the caller starts is a forward one
}

void Car::Reset(std::optional<uint64_t> seed, int start_waypoint, std::optional<Direction> direction) {
  if (seed) {  // a seed fixes the episode: its start, and (alternating) its direction
    rng_.seed(*seed);
    alternate_next_ = false;
  }
  const Direction d = direction.value_or(config_->direction);
  switch (d) {
    case Direction::kForward: reversed_ = false; break;
    case Direction::kReverse: reversed_ = true; break;
    case Direction::kAlternate: reversed_ = alternate_next_; alternate_next_ = !alternate_next_; break;
    case Direction::kRandom: reversed_ = (rng_() & 1u) != 0; break;
  }
  const Track& track = reversed_ ? *config_->reversed : *config_->track;
  const int n = static_cast<int>(track.waypoints().size());
  int k = start_waypoint;
  if (k < 0) k = config_->random_start && track.closed() ? static_cast<int>(rng_() % static_cast<uint64_t>(n)) : 0;
  start_s_m_ = track.closed() ? track.waypoint_s(std::min(k, n - 1)) : 0.0;
  TrialConfig tc;
  tc.car = config_->car;
  tc.sensors = config_->metadata.sensor_config();
  tc.record_trace = config_->record_trace;
  tc.start_s_m = start_s_m_;
  trial_ = std::make_unique<Trial>(track, config_->rules, tc);
  decisions_ = 0;
  params_ = ComputeRewardParams(*trial_, reversed_);
  previous_ = params_;
}

void Car::Apply(const Decision& d) {
  trial_->Advance(&d);
  ++decisions_;
  previous_ = params_;
  params_ = ComputeRewardParams(*trial_, reversed_);
  while (!trial_->finished() && !trial_->awaiting_decision()) trial_->Advance(nullptr);
}

void Car::Step(int discrete_index, const float* continuous) {
  if (trial_->finished()) return;
  const ActionSpace& space = config_->metadata.action_space;
  Decision d;
  if (space.type == ActionSpaceType::kDiscrete) {
    if (discrete_index < 0 || discrete_index >= static_cast<int>(space.discrete.size())) {
      d.error = "action " + std::to_string(discrete_index) + " is outside the " + std::to_string(space.discrete.size()) + " discrete actions";
    } else {
      d.action = space.discrete[static_cast<size_t>(discrete_index)];
      d.discrete_index = discrete_index;
    }
  } else {
    d = DecodeModelOutput(space, continuous, 2);
  }
  Apply(d);
}

void Car::StepPhysical(double steering_deg, double speed_mps) {
  if (trial_->finished()) return;
  Decision d;
  d.action = {steering_deg, speed_mps};
  Apply(d);
}

void Car::WriteObservation(float* out) const {
  const Observation& obs = trial_->observation();
  for (const ModelInput& in : config_->metadata.inputs()) {
    size_t count = 0;
    const float* values = InputValues(obs, in.sensor, count);
    // A finished trial keeps its last observation; sizes always match the contract.
    std::copy(values, values + std::min(count, static_cast<size_t>(in.size)), out);
    if (count < static_cast<size_t>(in.size)) std::fill(out + count, out + in.size, 0.0f);
    out += in.size;
  }
}

Action Car::ExpertAction() {
  if (!expert_ || expert_reversed_ != reversed_) {
    expert_ = std::make_unique<ExpertDriver>(reversed_ ? *config_->reversed : *config_->track, config_->car);
    expert_reversed_ = reversed_;
  }
  return expert_->Decide(trial_->observation()).action;
}

// ---- the pool -----------------------------------------------------------------

WorkPool::WorkPool(int threads) {
  for (int i = 1; i < std::max(1, threads); ++i) workers_.emplace_back([this, i] { Loop(i); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkPool::Loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int, int)>* fn;
    int n;
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      fn = fn_;
      n = n_;
    }
    const int parts = threads();
    const int begin = n * index / parts, end = n * (index + 1) / parts;
    if (begin < end) (*fn)(begin, end);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

void WorkPool::Run(int n, const std::function<void(int, int)>& fn) {
  if (workers_.empty() || n < 2) {
    fn(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    n_ = n;
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  fn(0, n / threads());
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return pending_ == 0; });
}

// ---- the batch ----------------------------------------------------------------

Batch::Batch(EnvConfig config, int cars, int threads, uint64_t seed)
    : config_(std::move(config)), pool_(std::min(threads, std::max(1, cars))) {
  for (const ModelInput& in : config_.metadata.inputs()) observation_size_ += in.size;
  cars_.reserve(static_cast<size_t>(cars));
  // Each car its own stream, derived from the batch seed (splitmix64).
  uint64_t z = seed;
  for (int i = 0; i < cars; ++i) {
    z += 0x9e3779b97f4a7c15ull;
    uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    cars_.emplace_back(&config_, x ^ (x >> 31));
  }
  step_params_.resize(cars_.size());
}

void Batch::ResetAll(std::optional<uint64_t> seed, float* observations) {
  for (size_t i = 0; i < cars_.size(); ++i) {
    cars_[i].Reset(seed ? std::optional<uint64_t>(*seed + i) : std::nullopt);
    step_params_[i] = cars_[i].params();
    cars_[i].WriteObservation(observations + i * static_cast<size_t>(observation_size_));
  }
}

void Batch::Step(const int64_t* discrete, const float* continuous, bool auto_reset, const BatchStep& out) {
  const std::function<void(int, int)> work = [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      Car& car = cars_[static_cast<size_t>(i)];
      car.Step(discrete ? static_cast<int>(discrete[i]) : -1, continuous ? continuous + 2 * i : nullptr);
      step_params_[static_cast<size_t>(i)] = car.params();
      if (config_.reward) out.rewards[i] = config_.reward(car.params(), car.previous_params());
      const bool done = car.done();
      out.terminated[i] = done && !car.truncated();
      out.truncated[i] = done && car.truncated();
      if (done) {
        const TrialResult& r = car.trial().result();
        if (out.final_progress) out.final_progress[i] = r.laps.empty() ? 0.0 : r.laps.back().progress_pct;
        if (out.final_laps) out.final_laps[i] = r.complete_laps();
        if (out.final_steps) out.final_steps[i] = car.decisions();
        if (auto_reset) car.Reset(std::nullopt);
      }
      car.WriteObservation(out.observations + static_cast<size_t>(i) * static_cast<size_t>(observation_size_));
    }
  };
  pool_.Run(size(), work);
}

}  // namespace pw::python
