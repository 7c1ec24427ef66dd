// Policies: observation in, action out. A driving model, the built-in expert
// and a replayed trace are all policies.
#pragma once

#include <string>
#include <vector>

#include "pitwall/sensors.h"

namespace pw {

/// What the car is told to do for one control step (DeepRacer units).
struct Action {
  double steering_deg = 0.0;  ///< + = left; clipped to the car's +-30 degrees
  double speed_mps = 0.0;     ///< clipped to 0.1 .. 4.0 m/s
};

enum class ActionSpaceType { kDiscrete, kContinuous };

/// As in DeepRacer's model_metadata.json.
struct ActionSpace {
  ActionSpaceType type = ActionSpaceType::kContinuous;
  std::vector<Action> discrete;  ///< discrete: one entry per model output
  double steering_low_deg = -30.0, steering_high_deg = 30.0;  ///< continuous ranges
  double speed_low_mps = 0.1, speed_high_mps = 4.0;
};

/// A policy's answer. A non-empty error ends the trial with "model error".
struct Decision {
  Action action;
  int discrete_index = -1;  ///< which discrete action, when the space is discrete
  std::string error;
  bool ok() const { return error.empty(); }
};

class Policy {
 public:
  virtual ~Policy() = default;
  /// Called at every control step that is not held by a penalty.
  virtual Decision Decide(const Observation& obs) = 0;
};

/// One applied action, as the trial recorded it (the replay trace's unit).
struct TraceStep {
  float steering_deg = 0.0f;
  float speed_mps = 0.0f;
  int discrete_index = -1;
};

/// Replays recorded actions in order: re-simulating a trace with this policy
/// reproduces the original run bit for bit. Running out of actions is an error.
class ReplayPolicy : public Policy {
 public:
  explicit ReplayPolicy(std::vector<TraceStep> steps) : steps_(std::move(steps)) {}
  Decision Decide(const Observation& obs) override;

 private:
  std::vector<TraceStep> steps_;
  size_t next_ = 0;
};

}  // namespace pw
