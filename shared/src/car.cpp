#include "pitwall/car.h"

#include <algorithm>
#include <cmath>

namespace pw {

void CarModel::Step(CarState& s, double steering_cmd_rad, double speed_cmd_mps, double dt_s) const {
  // Steering servo: moves towards the command at a finite rate.
  const double max_delta = DegToRad(p_.steering_rate_dps) * dt_s;
  s.steering_rad += std::clamp(steering_cmd_rad - s.steering_rad, -max_delta, max_delta);

  // Drive: velocity-controlled with finite acceleration and braking.
  const double dv = speed_cmd_mps - s.speed_mps;
  s.speed_mps += dv > 0.0 ? std::min(dv, p_.max_accel_mps2 * dt_s) : std::max(dv, -p_.max_brake_mps2 * dt_s);

  // Grip: the path curvature the steering asks for, capped by what the tyres hold.
  const double curvature = dmath::Tan(s.steering_rad) / p_.wheelbase_m;
  const double v = s.speed_mps;
  const double demand = v * v * std::fabs(curvature);
  double k = curvature;
  s.sliding = demand > GripLimit();
  if (s.sliding) {
    k = (curvature > 0.0 ? 1.0 : -1.0) * GripLimit() / (v * v);
    s.speed_mps = std::max(0.0, s.speed_mps - p_.slide_scrub_mps2 * dt_s);
  }

  // Integrate along the arc (midpoint heading).
  const double dist = v * dt_s;
  const double dheading = dist * k;
  const double mid = s.heading_rad + 0.5 * dheading;
  s.position = s.position + dmath::Direction(mid) * dist;
  s.heading_rad = dmath::WrapAngle(s.heading_rad + dheading);
}

Vec2 CarModel::TrackedPoint(const CarState& s) const {
  return s.position + dmath::Direction(s.heading_rad) * p_.tracked_point_m;
}

WheelPositions CarModel::Wheels(const CarState& s) const {
  const Vec2 fwd = dmath::Direction(s.heading_rad);
  const Vec2 left = LeftNormal(fwd) * (0.5 * p_.track_m);
  const Vec2 front = s.position + fwd * p_.wheelbase_m;
  return {{s.position + left, s.position - left, front + left, front - left}};
}

double CarModel::MaxCornerSpeed(double radius_m) const {
  return std::min(p_.max_speed_mps, std::sqrt(GripLimit() * radius_m));
}

}  // namespace pw
