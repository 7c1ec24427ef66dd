// The 1/18-scale car (the DeepRacer car's dimensions) and its physics.
//
// A kinematic bicycle with three limits that make driving a trade-off:
//  - steering is position-controlled and moves at a finite rate;
//  - speed is velocity-controlled with finite acceleration and braking;
//  - tyre grip caps lateral acceleration at mu * g: asked to turn tighter than
//    the grip allows, the car follows the widest arc the grip permits (it runs
//    wide) and scrubs speed while it slides.
#pragma once

#include "pitwall/math.h"

namespace pw {

/// The car's dimensions and limits. DefaultCarParams() gives the DeepRacer car.
struct CarParams {
  double wheelbase_m = 0.164;
  double track_m = 0.162;          ///< between wheel centres
  double width_m = 0.196;          ///< outer width (footprint)
  double length_m = 0.324;         ///< footprint length
  double rear_overhang_m = 0.08;   ///< footprint behind the rear axle
  double tracked_point_m = 0.14;   ///< ahead of the rear axle: progress and position use this point
  double max_steering_deg = 30.0;
  double steering_rate_dps = 400.0;
  double min_speed_mps = 0.1;
  double max_speed_mps = 4.0;
  double max_accel_mps2 = 3.0;
  double max_brake_mps2 = 4.0;
  double tyre_mu = 0.5;
  double gravity_mps2 = 9.81;
  double slide_scrub_mps2 = 1.5;   ///< extra deceleration while the tyres slide
};

/// The DeepRacer 1/18 car.
inline CarParams DefaultCarParams() { return {}; }

/// Physical state. The origin is the middle of the rear axle.
struct CarState {
  Vec2 position;             ///< rear-axle centre, metres
  double heading_rad = 0.0;  ///< counter-clockwise from +x
  double speed_mps = 0.0;
  double steering_rad = 0.0; ///< actual front-wheel angle, + = left
  bool sliding = false;      ///< grip exceeded during the last sub-step
};

/// The four wheel centres: rear left, rear right, front left, front right.
struct WheelPositions {
  Vec2 wheel[4];
};

/// Car physics: stateless, all inputs explicit.
class CarModel {
 public:
  explicit CarModel(const CarParams& params) : p_(params) {}
  const CarParams& params() const { return p_; }

  /// Advances the car by dt seconds towards the commanded steering and speed
  /// (already clipped to the car's limits).
  void Step(CarState& s, double steering_cmd_rad, double speed_cmd_mps, double dt_s) const;
  Vec2 TrackedPoint(const CarState& s) const;
  WheelPositions Wheels(const CarState& s) const;
  /// Lateral acceleration the tyres can hold (m/s^2).
  double GripLimit() const { return p_.tyre_mu * p_.gravity_mps2; }
  /// Highest speed at which the car can follow a curve of radius r.
  double MaxCornerSpeed(double radius_m) const;

 private:
  CarParams p_;
};

}  // namespace pw
