#include "pitwall/sensors.h"

namespace pw {

SensorSuite::SensorSuite(const Track& track, const CarModel& car, const SensorConfig& config)
    : track_(track), car_(car), config_(config) {
  const int n = config_.rays.rays;
  for (int k = 0; k < n; ++k) {
    const double a = n == 1 ? 0.0 : -0.5 * config_.rays.fov_deg + k * config_.rays.fov_deg / (n - 1);
    ray_angles_rad_.push_back(DegToRad(a));
  }
}

void SensorSuite::Fill(Observation& obs) const {
  const Vec2 tp = car_.TrackedPoint(obs.car);
  if (config_.track_rays) {
    obs.track_rays.assign(ray_angles_rad_.size(), 0.0f);
    if (track_.OnRoad(tp)) {
      for (size_t k = 0; k < ray_angles_rad_.size(); ++k) {
        const Vec2 dir = dmath::Direction(obs.car.heading_rad + ray_angles_rad_[k]);
        obs.track_rays[k] = static_cast<float>(track_.RayToEdge(tp, dir, config_.rays.range_m));
      }
    }
  }
  if (config_.state) {
    const double s = obs.position.s_m;
    const double track_heading = dmath::Heading(track_.TangentAt(s));
    obs.state[0] = static_cast<float>(obs.car.speed_mps);
    obs.state[1] = static_cast<float>(RadToDeg(obs.car.steering_rad));
    obs.state[2] = static_cast<float>(RadToDeg(dmath::WrapAngle(obs.car.heading_rad - track_heading)));
    obs.state[3] = static_cast<float>(obs.position.offset_m);
    for (int i = 0; i < 4; ++i) obs.state[4 + static_cast<size_t>(i)] = static_cast<float>(track_.CurvatureAt(s + kStateLookaheadM[i]));
  }
}

}  // namespace pw
