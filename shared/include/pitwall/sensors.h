// What a driving model sees. The layouts here are a contract: models are
// trained against them (docs/MODEL_FORMAT.md repeats them).
//
// TRACK_RAYS: `rays` float32 distances in metres from the tracked point to the
//   road edge, clipped to range_m. Ray k points at angle
//   -fov/2 + k * fov / (rays - 1) from the car's heading (+ = left), so ray 0 is
//   the rightmost. All rays read 0 when the tracked point is off the road.
// STATE: 8 float32 values:
//   [0] speed (m/s)  [1] actual steering angle (deg, + = left)
//   [2] heading error (deg): car heading minus the centre line's direction, + = pointing left
//   [3] signed distance of the tracked point from the centre line (m, + = left)
//   [4..7] centre-line curvature (1/m, + = left turn) 0.5, 1, 2 and 3 m ahead
// LIDAR: 64 float32 distances in metres to the boxes and bot cars (not the road's
//   painted lines), from the middle of the car's footprint. Ray k points at
//   -150 + k * 300 / 63 degrees from the heading (+ = left): ray 0 looks back on
//   the right, ray 63 back on the left; the 60 degrees straight behind are blind.
//   Readings are clipped to [0.15, 1.0] m; nothing within 1 m reads 1.0.
// SECTOR_LIDAR: 8 float32 values, one per 8 consecutive LIDAR rays (sector 0 =
//   rays 0..7): 1 when anything in the sector is nearer than 0.5 m, else 0.
#pragma once

#include <array>
#include <vector>

#include "pitwall/car.h"
#include "pitwall/course.h"
#include "pitwall/track.h"

namespace pw {

struct TrackRaysConfig {
  int rays = 11;
  double fov_deg = 180.0;
  double range_m = 3.0;
};

/// Which sensors a trial computes.
struct SensorConfig {
  bool track_rays = false;
  TrackRaysConfig rays;
  bool state = false;
  bool lidar = false;
  bool sector_lidar = false;
};

inline constexpr int kStateSize = 8;
inline constexpr double kStateLookaheadM[4] = {0.5, 1.0, 2.0, 3.0};
inline constexpr int kLidarRays = 64;
inline constexpr double kLidarFovDeg = 300.0;
inline constexpr double kLidarMinM = 0.15;
inline constexpr double kLidarMaxM = 1.0;
inline constexpr int kLidarSectors = 8;
inline constexpr double kSectorThresholdM = 0.5;

/// One control step's view of the world.
struct Observation {
  double time_s = 0.0;          ///< sim clock since the trial started
  CarState car;                 ///< ground truth (for built-in drivers; models use the sensors)
  TrackPosition position;       ///< of the tracked point
  std::vector<float> track_rays;
  std::array<float, kStateSize> state{};
  std::vector<float> lidar;
  std::array<float, kLidarSectors> sector_lidar{};
  /// The boxes and bots at this moment (ground truth, like `car`; empty in time trials).
  std::vector<CourseObject> objects;
};

/// Fills observations for one track and car.
class SensorSuite {
 public:
  SensorSuite(const Track& track, const CarModel& car, const SensorConfig& config);
  /// Computes the configured sensors; `obs.car`, `obs.position` and `obs.objects` must be set.
  void Fill(Observation& obs) const;
  const SensorConfig& config() const { return config_; }

 private:
  const Track& track_;
  const CarModel& car_;
  SensorConfig config_;
  std::vector<double> ray_angles_rad_;
  std::vector<double> lidar_angles_rad_;
};

}  // namespace pw
