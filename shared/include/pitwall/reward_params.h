// DeepRacer's reward-function inputs ("params"), computed from a trial's last
// control step. The training environment hands them to a racer's
// reward_function(params) unchanged; docs/TRAINING.md states every key against
// DeepRacer's documented meaning, and where Pitwall differs.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "pitwall/trial.h"

namespace pw {

struct RewardParams {
  bool all_wheels_on_track = true;  ///< all four wheel centres on the road
  double x = 0.0, y = 0.0;          ///< the tracked point (what progress and position use), metres
  std::array<int, 2> closest_waypoints{0, 1};  ///< the waypoints before and after the car, in driving order
  double distance_from_center = 0.0;           ///< metres from the centre line
  bool is_crashed = false;                     ///< the step ended in a crash into a box or a bot car
  bool is_left_of_center = false;
  bool is_offtrack = false;                    ///< all four wheels off the road (the off-track event)
  bool is_reversed = false;                    ///< the episode drives the track the other way round
  double heading = 0.0;                        ///< the car's yaw, degrees in (-180, 180]
  double progress = 0.0;                       ///< of the lap being driven, 0..100 (100 on the step that completes it)
  double speed = 0.0;                          ///< the action's speed, m/s, as applied
  double steering_angle = 0.0;                 ///< the action's steering, degrees (+ = left), as applied
  int64_t steps = 0;                           ///< control steps completed
  double track_length = 0.0;                   ///< metres, along the centre line
  double track_width = 0.0;                    ///< metres, border to border where the car is
  // The boxes and bots (DeepRacer's objects_* params; empty in time trials), each list in the course's order.
  std::array<int, 2> closest_objects{0, 0};    ///< the nearest object behind the car and the nearest ahead, along the track
  std::vector<double> objects_distance;        ///< metres along the centre line from the start line, 0..track_length
  std::vector<double> objects_heading;         ///< degrees in (-180, 180]
  std::vector<bool> objects_left_of_center;
  std::vector<std::array<double, 2>> objects_location;  ///< (x, y) of each object's centre
  std::vector<double> objects_speed;           ///< m/s; 0 for boxes
};

/// The params after the trial's last step. `reversed_direction`: the trial's
/// track is the reverse of the one the racer chose (training both ways).
RewardParams ComputeRewardParams(const Trial& trial, bool reversed_direction = false);

}  // namespace pw
