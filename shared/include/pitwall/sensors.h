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
#pragma once

#include <array>
#include <vector>

#include "pitwall/car.h"
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
};

inline constexpr int kStateSize = 8;
inline constexpr double kStateLookaheadM[4] = {0.5, 1.0, 2.0, 3.0};

/// One control step's view of the world.
struct Observation {
  double time_s = 0.0;          ///< sim clock since the trial started
  CarState car;                 ///< ground truth (for built-in drivers; models use the sensors)
  TrackPosition position;       ///< of the tracked point
  std::vector<float> track_rays;
  std::array<float, kStateSize> state{};
};

/// Fills observations for one track and car.
class SensorSuite {
 public:
  SensorSuite(const Track& track, const CarModel& car, const SensorConfig& config);
  /// Computes the configured sensors; `obs.car` and `obs.position` must be set.
  void Fill(Observation& obs) const;
  const SensorConfig& config() const { return config_; }

 private:
  const Track& track_;
  const CarModel& car_;
  SensorConfig config_;
  std::vector<double> ray_angles_rad_;
};

}  // namespace pw
