// What is on the track besides the racer's car: the boxes of an
// OBJECT_AVOIDANCE race and the bot cars of a HEAD_TO_BOT race, and the
// rectangle geometry that crashes and the LIDAR use.
//
// A course is a pure function of the track, the rules and the time since the
// episode started: boxes stand where the organiser put them (or where the
// race's seed put them), bots drive their lanes at constant speed and change
// lanes on a fixed schedule. So every racer of a race meets the same course,
// natively and in WebAssembly, and a trace replays it exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "pitwall/car.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"

namespace pw {

inline constexpr double kBoxLengthM = 0.25;   ///< a box's size along the road
inline constexpr double kBoxWidthM = 0.25;    ///< and across it
inline constexpr double kLaneChangeS = 1.0;   ///< a bot's change of lane takes this long
inline constexpr double kCrashResetGapM = 0.5;///< a crashed car is put back this far behind what it hit

/// A rectangle on the ground: its centre, the heading of its length axis and its half sizes.
struct Footprint {
  Vec2 center;
  double heading_rad = 0.0;
  double half_length = 0.0;
  double half_width = 0.0;
};

/// Whether two rectangles overlap (touching counts), by separating axes.
bool Overlaps(const Footprint& a, const Footprint& b);
/// Distance from `origin` along unit `dir` to the rectangle's outline, or `max_m` if it is not hit
/// closer (0 when the origin is inside).
double RayToFootprint(Vec2 origin, Vec2 dir, const Footprint& f, double max_m);
/// The car's footprint (CarParams' length and width, rear overhang behind the rear axle).
Footprint CarFootprint(const CarParams& car, const CarState& state);

enum class ObjectKind { kBox, kBot };

/// One thing on the track at one moment.
struct CourseObject {
  ObjectKind kind = ObjectKind::kBox;
  int index = 0;          ///< among the boxes, or among the bots
  Footprint footprint;
  double s_m = 0.0;       ///< its centre's arc length along the centre line
  double offset_m = 0.0;  ///< from the centre line, + = left
  double speed_mps = 0.0; ///< along the centre line; 0 for boxes
  Lane lane = Lane::kLeft;///< the lane it is in, or moving to
};

/// Random boxes from the seed: one per equal slot of the lap between 10 % and 95 %, in the middle
/// half of its slot, in a random lane. The same everywhere (integer generator, no libm).
std::vector<ObstaclePlacement> RandomObstacles(int count, uint32_t seed);

class Course {
 public:
  /// `start_s_m`: where the lap starts (progress is measured from there).
  Course(const Track& track, const RaceRules& rules, const CarParams& car, double start_s_m);
  bool empty() const { return boxes_.empty() && bots_.empty(); }
  /// Everything on the track `t_s` seconds after the episode started (boxes first, then bots).
  void At(double t_s, std::vector<CourseObject>& out) const;
  /// The boxes as placed (fixed or drawn from the seed).
  const std::vector<ObstaclePlacement>& placements() const { return placements_; }

 private:
  struct Bot {
    BotCar spec;
    double start_s_m;
    double first_change_s;  // when the first lane change starts
  };
  double LaneOffset(double s_m, Lane lane) const;
  const Track& track_;
  CarParams car_;
  std::vector<ObstaclePlacement> placements_;
  std::vector<CourseObject> boxes_;
  std::vector<Bot> bots_;
};

}  // namespace pw
