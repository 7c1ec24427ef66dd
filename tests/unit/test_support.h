// Helpers the core's tests share: synthetic tracks, simple policies, file bytes.
#pragma once

#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "pitwall/math.h"
#include "pitwall/policy.h"
#include "pitwall/track.h"
#include "pitwall/track_library.h"

namespace pw::testing {

/// A circle of the given centre-line radius, counter-clockwise (or clockwise),
/// `n` waypoints; `jitter` makes the spacing uneven (alternating short and long).
inline TrackDef CircleDef(double radius_m, double width_m, int n, bool clockwise = false, bool uneven = false) {
  TrackDef def;
  def.id = "circle";
  def.name = "Circle";
  std::vector<double> angles;
  if (!uneven) {
    for (int i = 0; i < n; ++i) angles.push_back(kTwoPi * i / n);
  } else {  // alternate 0.09 m and 0.8 m steps along the arc, as real tracks' extremes
    double a = 0.0;
    for (int i = 0; a < kTwoPi - 0.8 / radius_m; ++i) {
      angles.push_back(a);
      a += (i % 2 == 0 ? 0.09 : 0.8) / radius_m;
    }
  }
  for (double a : angles) {
    const double t = clockwise ? -a : a;
    const Vec2 dir{std::cos(t), std::sin(t)};
    const Vec2 c = dir * radius_m;
    // The inner border is towards the circle's centre.
    def.waypoints.push_back({c, dir * (radius_m - width_m / 2), dir * (radius_m + width_m / 2)});
  }
  def.waypoints.push_back(def.waypoints.front());
  def.closed = true;
  return def;
}

inline Track Circle(double radius_m, double width_m, int n, bool clockwise = false, bool uneven = false) {
  return Track::Build(CircleDef(radius_m, width_m, n, clockwise, uneven)).value();
}

/// A straight open segment along +x from 0 to length_m.
inline TrackDef StraightDef(double length_m, double width_m, int n = 21) {
  TrackDef def;
  def.id = "straight";
  def.name = "Straight";
  def.closed = false;
  for (int i = 0; i < n; ++i) {
    const double x = length_m * i / (n - 1);
    def.waypoints.push_back({{x, 0.0}, {x, width_m / 2}, {x, -width_m / 2}});
  }
  return def;
}

/// A loop with what real tracks make hard to read: a chicane of tight S-bends, and a
/// hairpin tighter than half the road's width, whose legs open out at 30 degrees (its
/// inner border loops back on itself, and the two legs' inner borders cross).
inline TrackDef AwkwardLoopDef(double hairpin_radius_m = 0.4, double width_m = 1.0) {
  using K = TrackPiece::Kind;
  auto S = [](double l) { return TrackPiece{K::kStraight, l, 0.0, 0.0}; };
  auto A = [](double r, double deg) { return TrackPiece{K::kArc, 0.0, r, deg}; };
  const TrackPiece close{K::kClosingStraight, 0.0, 0.0, 0.0};
  return DesignTrack("awkward_loop", "Awkward Loop",
                     {close, A(1.2, 90), S(1.5), A(0.7, -60), A(0.7, 120), A(0.7, -60), S(1.0), A(1.2, 120), close,
                      A(hairpin_radius_m, 150)},
                     width_m)
      .value();
}

/// The same loop with each row's border points taken `shift` rows along the road: the
/// inner one ahead, the outer one behind. Both border rings stay exactly as they were, so
/// the road does too; but quads between consecutive rows twist, and at the bends both of
/// a row's border points fall on one side of its normal. Real files pair them like this
/// (Tokyo_Training_track's chicane, up to 0.9 m along the road).
inline TrackDef SkewBorders(TrackDef def, int shift) {
  const bool repeated = def.waypoints.size() > 1 && def.waypoints.front().center.x == def.waypoints.back().center.x &&
                        def.waypoints.front().center.y == def.waypoints.back().center.y;
  if (repeated) def.waypoints.pop_back();
  const int n = static_cast<int>(def.waypoints.size());
  std::vector<Waypoint> skewed = def.waypoints;
  for (int i = 0; i < n; ++i) {
    skewed[static_cast<size_t>(i)].inner = def.waypoints[static_cast<size_t>(((i + shift) % n + n) % n)].inner;
    skewed[static_cast<size_t>(i)].outer = def.waypoints[static_cast<size_t>(((i - shift) % n + n) % n)].outer;
  }
  def.waypoints = std::move(skewed);
  if (repeated) def.waypoints.push_back(def.waypoints.front());
  def.id += "_skewed";
  return def;
}

/// Always the same action.
class ConstantPolicy : public Policy {
 public:
  ConstantPolicy(double steering_deg, double speed_mps) : action_{steering_deg, speed_mps} {}
  Decision Decide(const Observation&) override { return {action_, -1, {}}; }

 private:
  Action action_;
};

/// Any function of the observation.
class LambdaPolicy : public Policy {
 public:
  explicit LambdaPolicy(std::function<Decision(const Observation&)> fn) : fn_(std::move(fn)) {}
  Decision Decide(const Observation& obs) override { return fn_(obs); }

 private:
  std::function<Decision(const Observation&)> fn_;
};

/// A NumPy .npy file (format 1.0) holding `values` with the given header fields.
inline std::string NpyBytes(const std::vector<double>& values, const std::string& shape,
                            const std::string& descr = "<f8", const std::string& fortran = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  for (double v : values) {
    char bytes[8];
    std::memcpy(bytes, &v, 8);  // the test machines are little-endian, as the format
    out.append(bytes, 8);
  }
  return out;
}

inline std::vector<double> Flatten(const TrackDef& def) {
  std::vector<double> v;
  for (const Waypoint& w : def.waypoints) {
    for (double x : {w.center.x, w.center.y, w.inner.x, w.inner.y, w.outer.x, w.outer.y}) v.push_back(x);
  }
  return v;
}

inline std::string CsvBytes(const TrackDef& def) {
  std::string out = "center_x,center_y,inner_x,inner_y,outer_x,outer_y\n";
  char line[256];
  for (const Waypoint& w : def.waypoints) {
    std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", w.center.x, w.center.y, w.inner.x,
                  w.inner.y, w.outer.x, w.outer.y);
    out += line;
  }
  return out;
}

}  // namespace pw::testing
