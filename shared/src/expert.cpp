#include "pitwall/expert.h"

#include <algorithm>
#include <cmath>

namespace pw {
namespace {

double Menger(Vec2 a, Vec2 b, Vec2 c) {
  const double denom = Distance(a, b) * Distance(b, c) * Distance(c, a);
  return denom > 0.0 ? 2.0 * Cross(b - a, c - b) / denom : 0.0;
}

}  // namespace

RacingLine PlanRacingLine(const Track& track, const CarParams& car, const ExpertConfig& config) {
  RacingLine line;
  line.closed = track.closed();
  const double length = track.length_m();
  const int m = std::max(8, static_cast<int>(std::ceil(length / config.sample_spacing_m)));
  const int count = line.closed ? m : m + 1;
  line.spacing_m = length / m;
  std::vector<Vec2> centre(static_cast<size_t>(count)), normal(static_cast<size_t>(count));
  std::vector<double> lo(static_cast<size_t>(count)), hi(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) {
    const double s = length * k / m;
    const size_t i = static_cast<size_t>(k);
    centre[i] = track.CenterAt(s);
    // A tangent over +-0.1 m, so the normal turns smoothly through polyline corners.
    Vec2 d = track.CenterAt(line.closed ? s + 0.1 : std::min(s + 0.1, length)) -
             track.CenterAt(line.closed ? s - 0.1 : std::max(s - 0.1, 0.0));
    d = d * (1.0 / Length(d));
    normal[i] = LeftNormal(d);
    hi[i] = std::max(0.0, track.LeftWidthAt(s) - config.edge_margin_m);
    lo[i] = -std::max(0.0, track.RightWidthAt(s) - config.edge_margin_m);
  }

  // Minimum curvature: Gauss-Seidel on the squared second differences, the
  // offset clamped to the corridor; coarse strides first so it converges fast.
  std::vector<double> alpha(static_cast<size_t>(count), 0.0);
  auto point = [&](int k) {
    if (line.closed) k = ((k % m) + m) % m;
    else k = std::clamp(k, 0, count - 1);
    const size_t i = static_cast<size_t>(k);
    return centre[i] + normal[i] * alpha[i];
  };
  if (config.use_track_width) {
    for (int stride : {32, 16, 8, 4, 2, 1}) {
      for (int iter = 0; iter < 150; ++iter) {
        for (int k = line.closed ? 0 : 1; k < (line.closed ? count : count - 1); ++k) {
          const Vec2 target = (4.0 * (point(k - stride) + point(k + stride)) - (point(k - 2 * stride) + point(k + 2 * stride))) * (1.0 / 6.0);
          const size_t i = static_cast<size_t>(k);
          alpha[i] = std::clamp(Dot(target - centre[i], normal[i]), lo[i], hi[i]);
        }
      }
    }
  }
  line.points.resize(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) line.points[static_cast<size_t>(k)] = point(k);
  line.offset_m = alpha;

  // Speed profile: grip limit per sample, then braking and acceleration passes.
  const CarModel model(car);
  const int w = std::max(1, static_cast<int>(std::round(0.3 / line.spacing_m)));
  line.curvature.resize(static_cast<size_t>(count));
  line.speed_mps.resize(static_cast<size_t>(count));
  const double grip = config.grip_fraction * model.GripLimit();
  for (int k = 0; k < count; ++k) {
    const double kappa = Menger(point(k - w), point(k), point(k + w));
    line.curvature[static_cast<size_t>(k)] = kappa;
    const double v = std::fabs(kappa) > 1e-9 ? std::sqrt(grip / std::fabs(kappa)) : car.max_speed_mps;
    line.speed_mps[static_cast<size_t>(k)] = std::min(car.max_speed_mps, v);
  }
  const double brake = 0.75 * car.max_brake_mps2, accel = 0.9 * car.max_accel_mps2;
  const int passes = line.closed ? 2 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    for (int k = count - 1; k >= 0; --k) {  // braking: what must be slow ahead limits speed here
      const int next = line.closed ? (k + 1) % count : k + 1;
      if (next >= count) continue;
      const double ds = Distance(line.points[static_cast<size_t>(k)], line.points[static_cast<size_t>(next)]);
      auto& v = line.speed_mps[static_cast<size_t>(k)];
      v = std::min(v, std::sqrt(line.speed_mps[static_cast<size_t>(next)] * line.speed_mps[static_cast<size_t>(next)] + 2.0 * brake * ds));
    }
  }
  for (int pass = 0; pass < passes; ++pass) {
    for (int k = 0; k < count; ++k) {  // accelerating: from the previous sample
      int prev = k - 1;
      if (prev < 0) {
        if (!line.closed) {
          line.speed_mps[0] = std::min(line.speed_mps[0], car.min_speed_mps + 0.4);
          continue;
        }
        prev = count - 1;
      }
      const double ds = Distance(line.points[static_cast<size_t>(k)], line.points[static_cast<size_t>(prev)]);
      auto& v = line.speed_mps[static_cast<size_t>(k)];
      v = std::min(v, std::sqrt(line.speed_mps[static_cast<size_t>(prev)] * line.speed_mps[static_cast<size_t>(prev)] + 2.0 * accel * ds));
    }
  }
  for (double& v : line.speed_mps) v = std::max(car.min_speed_mps, v * config.pace);
  return line;
}

ExpertDriver::ExpertDriver(const Track& track, const CarParams& car, const ExpertConfig& config)
    : track_(track), car_(car), config_(config), line_(PlanRacingLine(track, car, config)) {}

bool ExpertDriver::Avoid(const Observation& obs, double target_s, double& offset, double& speed_cap) {
  const double length = track_.length_m();
  const double car_s = obs.position.s_m;
  auto ahead_of_car = [&](double s) {  // signed distance along the centre line, wrapped on loops
    double d = s - car_s;
    if (track_.closed()) {
      if (d > 0.5 * length) d -= length;
      if (d < -0.5 * length) d += length;
    }
    return d;
  };
  auto line_offset = [&](double s) {
    const int count = static_cast<int>(line_.offset_m.size());
    int k = static_cast<int>(std::round(track_.WrapS(s) / line_.spacing_m));
    k = line_.closed ? k % count : std::clamp(k, 0, count - 1);
    return line_.offset_m[static_cast<size_t>(k)];
  };
  const double tail = car_.tracked_point_m + car_.rear_overhang_m;  // tracked point to the car's rear
  const double horizon = config_.avoid_horizon_m > 0.0 ? config_.avoid_horizon_m : 1.2 + 0.6 * obs.car.speed_mps;
  const double half_car = 0.5 * car_.width_m;
  const CourseObject* active = nullptr;
  double active_ahead = 0.0, lo = 0.0, hi = 0.0;
  for (const CourseObject& o : obs.objects) {
    const double ahead = ahead_of_car(o.s_m);
    if (ahead < -(o.footprint.half_length + tail + 0.08) || ahead > horizon) continue;
    // The offsets at which the car's centre would touch it (plus the margin).
    const double reach = o.footprint.half_width + half_car + config_.avoid_margin_m;
    // A bot changing lanes takes the road between its lanes.
    const double lane_offset = o.lane == Lane::kLeft ? 0.5 * track_.LeftWidthAt(o.s_m) : -0.5 * track_.RightWidthAt(o.s_m);
    const double o_lo = std::min(o.offset_m, lane_offset) - reach, o_hi = std::max(o.offset_m, lane_offset) + reach;
    // In the way: the one being passed, or the car is beside it, or the line runs through it anywhere
    // the car will be beside it (a moving bot is passed further on: it keeps going meanwhile).
    const int key = static_cast<int>(o.kind) * 100 + o.index;
    bool blocks = key == avoiding_ || (obs.position.offset_m > o_lo && obs.position.offset_m < o_hi);
    const double closing = std::max(config_.avoid_speed_mps - o.speed_mps, 0.3);
    const double beside = std::min(4.0, o.footprint.half_length + 0.3 + o.speed_mps / closing * (std::max(ahead, 0.0) + car_.length_m));
    for (double along = -car_.length_m; along <= beside && !blocks; along += 0.1) {
      const double planned = line_offset(o.s_m + along);
      blocks = planned > o_lo && planned < o_hi;
    }
    if (!blocks) continue;
    if (active == nullptr || ahead < active_ahead) active = &o, active_ahead = ahead, lo = o_lo, hi = o_hi;
  }
  if (active == nullptr) {
    avoiding_ = -1;
    return false;
  }
  const int key = static_cast<int>(active->kind) * 100 + active->index;
  const double left_limit = track_.LeftWidthAt(active->s_m) - 0.06, right_limit = -(track_.RightWidthAt(active->s_m) - 0.06);
  if (avoiding_ != key) {  // choose a side once per object: the one with more room
    avoiding_ = key;
    avoid_side_ = (left_limit - hi) >= (lo - right_limit) ? 1.0 : -1.0;
  }
  // Aim for the middle of the free side (pure pursuit cuts corners: the edge of the blocked band is
  // too close), or the racing line when it already runs there with room to spare.
  const double free_near = avoid_side_ > 0.0 ? std::min(hi, left_limit) : std::max(lo, right_limit);
  const double free_far = avoid_side_ > 0.0 ? left_limit : right_limit;
  offset = 0.5 * (free_near + free_far);
  const double planned = line_offset(target_s);
  const double spare = 0.5 * config_.avoid_margin_m;
  if (avoid_side_ > 0.0 ? (planned > free_near + spare && planned < free_far) : (planned < free_near - spare && planned > free_far))
    offset = planned;
  speed_cap = config_.avoid_speed_mps;
  // Nothing to gain from catching a bot that stays in the way: no room beside it.
  if (avoid_side_ > 0.0 ? hi > left_limit : lo < right_limit) speed_cap = std::max(car_.min_speed_mps, active->speed_mps * 0.9);
  return true;
}

int ExpertDriver::Nearest(Vec2 p) {
  const int count = static_cast<int>(line_.points.size());
  auto dist2 = [&](int k) {
    const Vec2 d = line_.points[static_cast<size_t>(k)] - p;
    return Dot(d, d);
  };
  int best = -1;
  double best_d = 0.0;
  if (last_index_ >= 0) {  // near where we were: a short window ahead (and a little behind)
    for (int j = -10; j <= 40; ++j) {
      int k = last_index_ + j;
      if (line_.closed) k = ((k % count) + count) % count;
      else if (k < 0 || k >= count) continue;
      const double d = dist2(k);
      if (best < 0 || d < best_d) best = k, best_d = d;
    }
  }
  if (best < 0 || best_d > 0.5 * 0.5) {  // lost (first step, or after a reset): search everything
    best = -1;
    for (int k = 0; k < count; ++k) {
      const double d = dist2(k);
      if (best < 0 || d < best_d) best = k, best_d = d;
    }
  }
  last_index_ = best;
  return best;
}

Decision ExpertDriver::Decide(const Observation& obs) {
  const CarState& c = obs.car;
  const int count = static_cast<int>(line_.points.size());
  const int near = Nearest(c.position + dmath::Direction(c.heading_rad) * (0.5 * car_.wheelbase_m));
  const double lookahead = config_.lookahead_m + config_.lookahead_s * c.speed_mps;
  const int ahead = std::max(1, static_cast<int>(std::round(lookahead / line_.spacing_m)));
  int target = near + ahead;
  target = line_.closed ? target % count : std::min(target, count - 1);
  Vec2 aim = line_.points[static_cast<size_t>(target)];
  double avoid_offset = 0.0, speed_cap = car_.max_speed_mps;
  bool avoiding = false;
  if (!obs.objects.empty()) {
    const double target_s = track_.WrapS(obs.position.s_m + lookahead);
    avoiding = Avoid(obs, target_s, avoid_offset, speed_cap);
    if (avoiding) aim = track_.CenterAt(target_s) + LeftNormal(track_.TangentAt(target_s)) * avoid_offset;
  }
  const Vec2 to = aim - c.position;
  const double alpha = dmath::WrapAngle(dmath::Heading(to) - c.heading_rad);
  const double ld = std::max(Length(to), 1e-3);
  const double steer = dmath::Atan2(2.0 * car_.wheelbase_m * dmath::Sin(alpha), ld);

  Decision d;
  d.action.steering_deg = std::clamp(RadToDeg(steer), -car_.max_steering_deg, car_.max_steering_deg);
  if (config_.fixed_speed_mps > 0.0) {
    d.action.speed_mps = config_.fixed_speed_mps;
  } else {
    // The slowest the profile wants over the next few tenths of a second.
    const int window = 1 + static_cast<int>(std::round((0.05 + c.speed_mps * 0.15) / line_.spacing_m));
    double v = line_.speed_mps[static_cast<size_t>(near)];
    for (int j = 1; j <= window; ++j) {
      int k = near + j;
      if (line_.closed) k %= count;
      else if (k >= count) break;
      v = std::min(v, line_.speed_mps[static_cast<size_t>(k)]);
    }
    d.action.speed_mps = v;
  }
  if (avoiding) d.action.speed_mps = std::min(d.action.speed_mps, speed_cap);
  return d;
}

}  // namespace pw
