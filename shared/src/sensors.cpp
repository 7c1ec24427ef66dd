#include "pitwall/sensors.h"

#include <algorithm>

namespace pw {

SensorSuite::SensorSuite(const Track& track, const CarModel& car, const SensorConfig& config)
    : track_(track), car_(car), config_(config) {
  const int n = config_.rays.rays;
  for (int k = 0; k < n; ++k) {
    const double a = n == 1 ? 0.0 : -0.5 * config_.rays.fov_deg + k * config_.rays.fov_deg / (n - 1);
    ray_angles_rad_.push_back(DegToRad(a));
  }
  for (int k = 0; k < kLidarRays; ++k) lidar_angles_rad_.push_back(DegToRad(-0.5 * kLidarFovDeg + k * kLidarFovDeg / (kLidarRays - 1)));
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
  if (config_.lidar || config_.sector_lidar) {
    obs.lidar.assign(lidar_angles_rad_.size(), static_cast<float>(kLidarMaxM));
    const Footprint body = CarFootprint(car_.params(), obs.car);
    std::array<Vec2, kLidarRays> dirs;
    bool aimed = false;  // the rays' directions, worked out when something is in range
    for (const CourseObject& o : obs.objects) {
      const Vec2 d = o.footprint.center - body.center;
      const double reach = kLidarMaxM + o.footprint.half_length + o.footprint.half_width;
      if (Dot(d, d) > reach * reach) continue;  // out of range whichever way it faces
      if (!aimed) {
        for (size_t k = 0; k < dirs.size(); ++k) dirs[k] = dmath::Direction(obs.car.heading_rad + lidar_angles_rad_[k]);
        aimed = true;
      }
      for (size_t k = 0; k < dirs.size(); ++k) {
        const double hit = std::max(kLidarMinM, RayToFootprint(body.center, dirs[k], o.footprint, kLidarMaxM));
        obs.lidar[k] = std::min(obs.lidar[k], static_cast<float>(hit));
      }
    }
    if (config_.sector_lidar) {
      const size_t per = static_cast<size_t>(kLidarRays / kLidarSectors);
      for (size_t sector = 0; sector < static_cast<size_t>(kLidarSectors); ++sector) {
        bool near = false;
        for (size_t k = sector * per; k < (sector + 1) * per; ++k) near = near || obs.lidar[k] < kSectorThresholdM;
        obs.sector_lidar[sector] = near ? 1.0f : 0.0f;
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
