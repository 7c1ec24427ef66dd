#include "pitwall/reward_params.h"

#include <cmath>

namespace pw {

RewardParams ComputeRewardParams(const Trial& trial, bool reversed_direction) {
  const Track& track = trial.track();
  const StepEvents& step = trial.last_step();
  const Vec2 tp = trial.car_model().TrackedPoint(step.car);
  const TrackPosition pos = track.Locate(tp);

  RewardParams p;
  p.all_wheels_on_track = step.all_wheels_on_track;
  p.x = tp.x;
  p.y = tp.y;
  const int n = static_cast<int>(track.waypoints().size());
  p.closest_waypoints = {pos.segment, track.closed() ? (pos.segment + 1) % n : std::min(pos.segment + 1, n - 1)};
  p.distance_from_center = std::fabs(pos.offset_m);
  p.is_left_of_center = pos.offset_m > 0.0;
  p.is_offtrack = step.off_track;
  p.is_reversed = reversed_direction;
  double deg = RadToDeg(dmath::WrapAngle(step.car.heading_rad));
  if (deg <= -180.0) deg += 360.0;
  p.heading = deg;
  p.progress = step.lap_progress_pct;
  p.speed = step.applied.speed_mps;
  p.steering_angle = step.applied.steering_deg;
  p.steps = trial.steps();
  p.track_length = track.length_m();
  p.track_width = track.LeftWidthAt(pos.s_m) + track.RightWidthAt(pos.s_m);
  return p;
}

}  // namespace pw
