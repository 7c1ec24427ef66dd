// Many training cars stepped together in C++: the engine under pitwall.RaceEnv
// and pitwall.VecRaceEnv. Each car runs the core's Trial (the very code the
// server evaluates with) under its own episode options; a batch steps its cars
// on a small thread pool with Python's GIL released by the caller.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pitwall/expert.h"
#include "pitwall/model_metadata.h"
#include "pitwall/reward_params.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"
#include "pitwall/trial.h"

namespace pw::python {

/// Which way round an episode drives the track.
enum class Direction { kForward, kReverse, kAlternate, kRandom };
bool ParseDirection(const std::string& text, Direction& out);

/// Rewards computed in C++ (name -> function of DeepRacer's params), for speed.
using BuiltinReward = double (*)(const RewardParams& params, const RewardParams& previous);
/// The built-in reward by name, or null. Names: see BuiltinRewardNames().
BuiltinReward FindBuiltinReward(const std::string& name);
std::vector<std::string> BuiltinRewardNames();

struct EnvConfig {
  std::shared_ptr<const Track> track;          ///< as the racer chose it
  std::shared_ptr<const Track> reversed;       ///< the same road the other way (needed unless kForward)
  RaceRules rules;
  ModelMetadata metadata;                      ///< sensors and action space (the model contract)
  CarParams car = DefaultCarParams();
  bool random_start = false;                   ///< start each episode at a random waypoint
  Direction direction = Direction::kForward;
  BuiltinReward reward = nullptr;              ///< null: the caller computes rewards (a Python function)
  bool record_trace = false;
};

/// Training rules as DeepRacer trains: one lap per episode, leaving the track ends it.
RaceRules TrainingRules();

/// One car and its current episode.
class Car {
 public:
  Car(const EnvConfig* config, uint64_t seed);
  /// Starts a new episode; `start_waypoint` < 0 picks one as the options say.
  void Reset(std::optional<uint64_t> seed, int start_waypoint = -1, std::optional<Direction> direction = {});
  /// Applies an action (model output units: a discrete index, or two values in [-1, 1]) and runs
  /// held steps until the next decision or the end.
  void Step(int discrete_index, const float* continuous);
  /// Applies an action in physical units (degrees, m/s), as `pitwall trial --actions` does.
  void StepPhysical(double steering_deg, double speed_mps);

  const Trial& trial() const { return *trial_; }
  bool done() const { return trial_->finished(); }
  bool truncated() const { return trial_->finished() && trial_->result().end == LapStatus::kTimeUp; }
  bool reversed() const { return reversed_; }
  double start_s_m() const { return start_s_m_; }
  const RewardParams& params() const { return params_; }
  const RewardParams& previous_params() const { return previous_; }
  /// Writes the observation in the model's input order (each input's values back to back).
  void WriteObservation(float* out) const;
  /// What the built-in expert would do now (physical units); for behaviour cloning.
  Action ExpertAction();
  int64_t decisions() const { return decisions_; }

 private:
  void Apply(const Decision& d);
  const EnvConfig* config_;
  std::mt19937_64 rng_;
  std::unique_ptr<Trial> trial_;
  bool reversed_ = false;
  bool alternate_next_ = false;
  double start_s_m_ = 0.0;
  RewardParams params_;
  RewardParams previous_;
  int64_t decisions_ = 0;
  std::unique_ptr<ExpertDriver> expert_;
  bool expert_reversed_ = false;
};

/// Runs a function over [0, n) split across a fixed set of threads (the caller's included).
class WorkPool {
 public:
  explicit WorkPool(int threads);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  void Run(int n, const std::function<void(int begin, int end)>& fn);

 private:
  void Loop(int index);
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int, int)>* fn_ = nullptr;
  int n_ = 0;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

/// The outcome arrays of one batch step, one entry per car.
struct BatchStep {
  float* observations = nullptr;  ///< [cars, observation_size]
  double* rewards = nullptr;      ///< built-in reward (left untouched without one)
  uint8_t* terminated = nullptr;
  uint8_t* truncated = nullptr;
  // For cars whose episode ended in this step (reset automatically when auto_reset):
  double* final_progress = nullptr;  ///< progress of the last lap, percent
  int64_t* final_laps = nullptr;     ///< complete laps
  int64_t* final_steps = nullptr;    ///< decisions in the episode
};

class Batch {
 public:
  Batch(EnvConfig config, int cars, int threads, uint64_t seed);
  int size() const { return static_cast<int>(cars_.size()); }
  int observation_size() const { return observation_size_; }
  const EnvConfig& config() const { return config_; }
  Car& car(int i) { return cars_[static_cast<size_t>(i)]; }

  void ResetAll(std::optional<uint64_t> seed, float* observations);
  /// `discrete` (one index per car) or `continuous` (two values per car). Params of the step
  /// are kept per car until the next step (for Python reward functions) even across an auto-reset.
  void Step(const int64_t* discrete, const float* continuous, bool auto_reset, const BatchStep& out);
  const RewardParams& step_params(int i) const { return step_params_[static_cast<size_t>(i)]; }

 private:
  EnvConfig config_;
  std::vector<Car> cars_;
  std::vector<RewardParams> step_params_;
  int observation_size_ = 0;
  WorkPool pool_;
};

}  // namespace pw::python
