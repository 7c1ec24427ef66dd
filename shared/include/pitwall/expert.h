// The built-in expert driver: pure pursuit along a racing line, at the speeds
// a grip-limited profile allows. It shows what the car can do, and teaches the
// starter models.
//
// The racing line is the minimum-curvature line inside the road (less a
// margin), found by relaxing the line's second differences with the lateral
// offset clamped to the road; the speed profile takes the grip limit in each
// corner and the car's braking and acceleration between them.
//
// With boxes or bot cars on the track (the observation's ground truth), it
// changes lanes ahead of anything in its way: it picks the side with more
// room, holds that offset until the car's tail is past, and slows to a pace
// at which the lane change holds the road.
#pragma once

#include <vector>

#include "pitwall/car.h"
#include "pitwall/policy.h"
#include "pitwall/track.h"

namespace pw {

struct ExpertConfig {
  double pace = 1.0;              ///< 0.3..1: scales the speed profile (lower = slower and safer)
  bool use_track_width = true;    ///< false: drive the centre line
  double fixed_speed_mps = 0.0;   ///< > 0: ignore the profile, always ask for this speed
  double edge_margin_m = 0.14;    ///< the line keeps this far from either border
  double grip_fraction = 0.9;     ///< of the tyres' lateral grip the profile plans to use
  double lookahead_m = 0.25;      ///< pure-pursuit lookahead at rest
  double lookahead_s = 0.18;      ///< plus this many seconds of travel
  double sample_spacing_m = 0.1;
  double avoid_margin_m = 0.07;   ///< clearance kept from boxes and bots, beside the footprints
  double avoid_speed_mps = 1.8;   ///< the most it asks for while passing something
  /// How far ahead it looks for boxes and bots (> 0), or 0: 1.2 m plus 0.6 s of travel. A teacher for
  /// LIDAR models looks no further than the LIDAR sees (1 m from the middle of the car).
  double avoid_horizon_m = 0.0;
};

/// A line around the track with a speed for every sample.
struct RacingLine {
  bool closed = true;
  std::vector<Vec2> points;
  std::vector<double> offset_m;    ///< from the centre line, + = left
  std::vector<double> curvature;   ///< 1/m, + = left
  std::vector<double> speed_mps;
  double spacing_m = 0.1;          ///< approximate distance between samples
};

RacingLine PlanRacingLine(const Track& track, const CarParams& car, const ExpertConfig& config);

class ExpertDriver : public Policy {
 public:
  ExpertDriver(const Track& track, const CarParams& car, const ExpertConfig& config = {});
  Decision Decide(const Observation& obs) override;
  const RacingLine& line() const { return line_; }

 private:
  int Nearest(Vec2 p);
  /// The offset from the centre line to steer for at `target_s`, and a speed cap, when something is in the way.
  bool Avoid(const Observation& obs, double target_s, double& offset, double& speed_cap);
  Track track_;  // a copy (cheap: the index is shared), so a driver may outlive the caller's track
  CarParams car_;
  ExpertConfig config_;
  RacingLine line_;
  int last_index_ = -1;
  int avoiding_ = -1;       // the object being passed (its kind * 100 + index), and on which side
  double avoid_side_ = 0.0;
};

}  // namespace pw
