#include "pitwall/course.h"

#include <algorithm>
#include <cmath>

namespace pw {
namespace {

// SplitMix64: a small integer generator, identical on every platform.
struct SplitMix {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
};

Lane Other(Lane lane) { return lane == Lane::kLeft ? Lane::kRight : Lane::kLeft; }

// The rectangle's axes: along its length and across.
void Axes(const Footprint& f, Vec2& along, Vec2& across) {
  along = dmath::Direction(f.heading_rad);
  across = LeftNormal(along);
}

// Half the rectangle's extent projected on a unit axis.
double Radius(const Footprint& f, Vec2 axis) {
  Vec2 along, across;
  Axes(f, along, across);
  return f.half_length * std::fabs(Dot(along, axis)) + f.half_width * std::fabs(Dot(across, axis));
}

double SmoothStep(double f) { return f * f * (3.0 - 2.0 * f); }

}  // namespace

bool Overlaps(const Footprint& a, const Footprint& b) {
  const Vec2 d = b.center - a.center;
  // std::hypot is not correctly rounded everywhere; sqrt is.
  const double reach = std::sqrt(a.half_length * a.half_length + a.half_width * a.half_width) +
                       std::sqrt(b.half_length * b.half_length + b.half_width * b.half_width);
  if (Dot(d, d) > reach * reach) return false;  // too far apart to touch
  Vec2 axes[4];
  Axes(a, axes[0], axes[1]);
  Axes(b, axes[2], axes[3]);
  for (const Vec2& axis : axes)
    if (std::fabs(Dot(d, axis)) > Radius(a, axis) + Radius(b, axis)) return false;
  return true;
}

double RayToFootprint(Vec2 origin, Vec2 dir, const Footprint& f, double max_m) {
  Vec2 along, across;
  Axes(f, along, across);
  const Vec2 rel = origin - f.center;
  // The slab method in the rectangle's own frame.
  const double o[2] = {Dot(rel, along), Dot(rel, across)};
  const double v[2] = {Dot(dir, along), Dot(dir, across)};
  const double half[2] = {f.half_length, f.half_width};
  double t_in = 0.0, t_out = max_m;
  for (int k = 0; k < 2; ++k) {
    if (std::fabs(v[k]) < 1e-12) {
      if (std::fabs(o[k]) > half[k]) return max_m;
      continue;
    }
    double t1 = (-half[k] - o[k]) / v[k], t2 = (half[k] - o[k]) / v[k];
    if (t1 > t2) std::swap(t1, t2);
    t_in = std::max(t_in, t1);
    t_out = std::min(t_out, t2);
    if (t_in > t_out) return max_m;
  }
  return t_in;
}

Footprint CarFootprint(const CarParams& car, const CarState& state) {
  Footprint f;
  f.heading_rad = state.heading_rad;
  f.half_length = 0.5 * car.length_m;
  f.half_width = 0.5 * car.width_m;
  f.center = state.position + dmath::Direction(state.heading_rad) * (f.half_length - car.rear_overhang_m);
  return f;
}

std::vector<ObstaclePlacement> RandomObstacles(int count, uint32_t seed) {
  std::vector<ObstaclePlacement> out;
  SplitMix rng{0x50495457414c4cull ^ seed};  // "PITWALL"
  const double first = 10.0, last = 95.0;
  const double slot = (last - first) / std::max(count, 1);
  for (int i = 0; i < count; ++i) {
    ObstaclePlacement p;
    p.progress_pct = first + slot * (i + 0.25 + 0.5 * rng.Uniform());
    p.lane = (rng.Next() >> 63) != 0 ? Lane::kLeft : Lane::kRight;
    out.push_back(p);
  }
  return out;
}

Course::Course(const Track& track, const RaceRules& rules, const CarParams& car, double start_s_m) : track_(track), car_(car) {
  const double lap = track.length_m();
  if (rules.race_type == RaceType::kObjectAvoidance) {
    placements_ = rules.random_obstacles ? RandomObstacles(rules.obstacle_count, rules.course_seed) : rules.obstacles;
    for (size_t i = 0; i < placements_.size(); ++i) {
      CourseObject o;
      o.kind = ObjectKind::kBox;
      o.index = static_cast<int>(i);
      o.s_m = track.WrapS(start_s_m + lap * placements_[i].progress_pct / 100.0);
      o.lane = placements_[i].lane;
      o.offset_m = LaneOffset(o.s_m, o.lane);
      const Vec2 tangent = track.TangentAt(o.s_m);
      o.footprint = {track.CenterAt(o.s_m) + LeftNormal(tangent) * o.offset_m, dmath::Heading(tangent), 0.5 * kBoxLengthM,
                     0.5 * kBoxWidthM};
      boxes_.push_back(o);
    }
  }
  if (rules.race_type == RaceType::kHeadToBot) {
    SplitMix rng{0x424f5453ull ^ (static_cast<uint64_t>(rules.course_seed) << 8)};  // "BOTS"
    const double n = static_cast<double>(rules.bots.size());
    for (size_t i = 0; i < rules.bots.size(); ++i) {
      Bot b;
      b.spec = rules.bots[i];
      b.start_s_m = start_s_m + lap * (static_cast<double>(i) + 1.0) / (n + 1.0);
      b.first_change_s = rules.bots[i].lane_change_interval_s * (0.5 + 0.5 * rng.Uniform());
      bots_.push_back(b);
    }
  }
}

double Course::LaneOffset(double s_m, Lane lane) const {
  return lane == Lane::kLeft ? 0.5 * track_.LeftWidthAt(s_m) : -0.5 * track_.RightWidthAt(s_m);
}

void Course::At(double t_s, std::vector<CourseObject>& out) const {
  out.assign(boxes_.begin(), boxes_.end());
  for (size_t i = 0; i < bots_.size(); ++i) {
    const Bot& b = bots_[i];
    CourseObject o;
    o.kind = ObjectKind::kBot;
    o.index = static_cast<int>(i);
    o.speed_mps = b.spec.speed_mps;
    o.s_m = track_.WrapS(b.start_s_m + b.spec.speed_mps * t_s);
    // The lane schedule: change k starts at first_change_s + k * interval and takes kLaneChangeS.
    Lane from = b.spec.lane, to = b.spec.lane;
    double blend = 0.0, blend_rate = 0.0;
    if (b.spec.lane_changes && t_s >= b.first_change_s) {
      const double since = t_s - b.first_change_s;
      const double k = std::floor(since / b.spec.lane_change_interval_s);
      const double into = since - k * b.spec.lane_change_interval_s;
      if (std::fmod(k, 2.0) != 0.0) from = Other(from);  // k changes already done
      to = Other(from);
      if (into < kLaneChangeS) {
        const double f = into / kLaneChangeS;
        blend = SmoothStep(f);
        blend_rate = 6.0 * f * (1.0 - f) / kLaneChangeS;
      } else {
        from = to, blend = 0.0;
      }
    }
    const double from_offset = LaneOffset(o.s_m, from), to_offset = LaneOffset(o.s_m, to);
    o.offset_m = from_offset + (to_offset - from_offset) * blend;
    o.lane = to;
    const Vec2 tangent = track_.TangentAt(o.s_m);
    const double drift = dmath::Atan2((to_offset - from_offset) * blend_rate, b.spec.speed_mps);
    o.footprint = {track_.CenterAt(o.s_m) + LeftNormal(tangent) * o.offset_m, dmath::Heading(tangent) + drift, 0.5 * car_.length_m,
                   0.5 * car_.width_m};
    out.push_back(o);
  }
}

}  // namespace pw
