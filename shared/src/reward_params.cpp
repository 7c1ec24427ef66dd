#include "pitwall/reward_params.h"

#include <cmath>

namespace pw {

RewardParams ComputeRewardParams(const Trial& trial, bool reversed_direction) {
  const Track& track = trial.track();
  const StepEvents& step = trial.last_step();
  const Vec2 tp = trial.car_model().TrackedPoint(step.car);
  const TrackPosition pos = trial.Locate(tp);

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

  p.is_crashed = step.crashed;
  const std::vector<CourseObject> objects = trial.objects();
  const double length = track.length_m();
  double behind = -1.0, ahead = -1.0;
  for (size_t i = 0; i < objects.size(); ++i) {
    const CourseObject& o = objects[i];
    p.objects_distance.push_back(track.closed() ? std::fmod(o.s_m - trial.start_s_m() + 2.0 * length, length) : o.s_m);
    double h = RadToDeg(dmath::WrapAngle(o.footprint.heading_rad));
    if (h <= -180.0) h += 360.0;
    p.objects_heading.push_back(h);
    p.objects_left_of_center.push_back(o.offset_m > 0.0);
    p.objects_location.push_back({o.footprint.center.x, o.footprint.center.y});
    p.objects_speed.push_back(o.speed_mps);
    // Along the track from the car: how far back, how far ahead (a loop wraps).
    double d = o.s_m - pos.s_m;
    if (track.closed()) d = std::fmod(d + 2.0 * length, length);
    const double back = track.closed() ? length - d : -d;
    if (d >= 0.0 && (ahead < 0.0 || d < ahead)) ahead = d, p.closest_objects[1] = static_cast<int>(i);
    if (back >= 0.0 && (behind < 0.0 || back < behind)) behind = back, p.closest_objects[0] = static_cast<int>(i);
  }
  return p;
}

}  // namespace pw
