#include "pitwall/track_library.h"

#include <cmath>

namespace pw {
namespace {

using Kind = TrackPiece::Kind;
TrackPiece S(double length_m) { return {Kind::kStraight, length_m, 0.0, 0.0}; }
TrackPiece A(double radius_m, double turn_deg) { return {Kind::kArc, 0.0, radius_m, turn_deg}; }
TrackPiece Close() { return {Kind::kClosingStraight, 0.0, 0.0, 0.0}; }

struct BuiltinSpec {
  const char* id;
  const char* name;
  double width_m;
  std::vector<TrackPiece> pieces;
};

const std::vector<BuiltinSpec>& Specs() {
  static const std::vector<BuiltinSpec> specs = {
      // A compact counter-clockwise park circuit with an S-bend on the back straight.
      {"pitwall_park", "Pitwall Park", 1.0,
       {Close(), A(1.5, 90), S(3.0), A(1.0, 90), S(2.0), A(0.9, -90), A(0.9, 90), S(2.0), A(1.4, 90), Close(),
        A(1.2, 90)}},
      // Clockwise, with a 0.5 m hairpin at the end of the bottom straight and a zig-zag back.
      {"harbour_hairpin", "Harbour Hairpin", 0.8,
       {Close(), A(1.5, -90), S(6.0), A(1.5, -90), S(3.0), A(0.5, -180), S(2.0), A(1.0, 180), S(1.0), A(1.5, -90),
        Close(), A(1.5, -90)}},
      // A long, fast counter-clockwise layout: a kink, sweepers and a late apex.
      {"quarry_sprint", "Quarry Sprint", 0.9,
       {Close(), A(3.0, 45), A(3.0, -45), S(4.0), A(1.8, 90), S(3.0), A(1.2, 120), A(2.5, -60), S(8.0), A(1.5, 120),
        Close(), A(2.2, 90)}},
  };
  return specs;
}

}  // namespace

Result<TrackDef> DesignTrack(const std::string& id, const std::string& name, const std::vector<TrackPiece>& pieces,
                             double width_m, double spacing_m) {
  // First pass: headings of the closing straights and the end point without them.
  double heading_deg = 0.0;
  Vec2 end{0.0, 0.0};
  std::vector<double> closing_headings;
  for (const TrackPiece& p : pieces) {
    const double h = DegToRad(heading_deg);
    if (p.kind == Kind::kStraight) {
      end = end + dmath::Direction(h) * p.length_m;
    } else if (p.kind == Kind::kClosingStraight) {
      closing_headings.push_back(h);
    } else {
      const double sign = p.turn_deg > 0.0 ? 1.0 : -1.0;
      const Vec2 centre = end + LeftNormal(dmath::Direction(h)) * (sign * p.radius_m);
      const double h2 = DegToRad(heading_deg + p.turn_deg);
      end = centre - LeftNormal(dmath::Direction(h2)) * (sign * p.radius_m);
      heading_deg += p.turn_deg;
    }
  }
  if (std::fabs(std::fabs(heading_deg) - 360.0) > 1e-9)
    return Error{id + ": the pieces turn through " + std::to_string(heading_deg) + " degrees, not 360"};
  if (closing_headings.size() != 2) return Error{id + ": exactly two closing straights are needed"};
  const Vec2 u1 = dmath::Direction(closing_headings[0]), u2 = dmath::Direction(closing_headings[1]);
  const double det = Cross(u1, u2);
  if (std::fabs(det) < 1e-6) return Error{id + ": the closing straights are parallel"};
  const Vec2 need = Vec2{0.0, 0.0} - end;  // L1*u1 + L2*u2 = need
  const double l1 = Cross(need, u2) / det, l2 = Cross(u1, need) / det;
  if (l1 < 0.0 || l2 < 0.0) return Error{id + ": the loop does not close with forward straights"};

  // Second pass: sample the centre line and offset the borders.
  TrackDef def;
  def.id = id;
  def.name = name;
  def.closed = true;
  const bool ccw = heading_deg > 0.0;
  Vec2 at{0.0, 0.0};
  heading_deg = 0.0;
  int closing = 0;
  auto emit = [&](Vec2 c, double h_rad) {
    const Vec2 left = LeftNormal(dmath::Direction(h_rad)) * (0.5 * width_m);
    // The inner border is on the left of a counter-clockwise loop.
    def.waypoints.push_back(ccw ? Waypoint{c, c + left, c - left} : Waypoint{c, c - left, c + left});
  };
  for (const TrackPiece& p : pieces) {
    const double h = DegToRad(heading_deg);
    if (p.kind != Kind::kArc) {
      const double len = p.kind == Kind::kStraight ? p.length_m : (closing++ == 0 ? l1 : l2);
      const int steps = std::max(1, static_cast<int>(std::ceil(len / spacing_m)));
      for (int k = 0; k < steps; ++k) emit(at + dmath::Direction(h) * (len * k / steps), h);
      at = at + dmath::Direction(h) * len;
    } else {
      const double sign = p.turn_deg > 0.0 ? 1.0 : -1.0;
      const Vec2 centre = at + LeftNormal(dmath::Direction(h)) * (sign * p.radius_m);
      const double arc_len = p.radius_m * DegToRad(std::fabs(p.turn_deg));
      const int steps = std::max(2, static_cast<int>(std::ceil(arc_len / spacing_m)));
      for (int k = 0; k < steps; ++k) {
        const double hk = DegToRad(heading_deg + p.turn_deg * k / steps);
        emit(centre - LeftNormal(dmath::Direction(hk)) * (sign * p.radius_m), hk);
      }
      heading_deg += p.turn_deg;
      at = centre - LeftNormal(dmath::Direction(DegToRad(heading_deg))) * (sign * p.radius_m);
    }
  }
  def.waypoints.push_back(def.waypoints.front());  // DeepRacer style: repeat the first row
  return def;
}

std::vector<std::string> BuiltinTrackIds() {
  std::vector<std::string> ids;
  for (const BuiltinSpec& s : Specs()) ids.emplace_back(s.id);
  return ids;
}

Result<Track> BuiltinTrack(const std::string& id) {
  for (const BuiltinSpec& s : Specs()) {
    if (id != s.id) continue;
    Result<TrackDef> def = DesignTrack(s.id, s.name, s.pieces, s.width_m);
    if (!def) return def.error();
    return Track::Build(std::move(def).value());
  }
  std::string known;
  for (const BuiltinSpec& s : Specs()) known += (known.empty() ? "" : ", ") + std::string(s.id);
  return Error{"no built-in track '" + id + "' (built-in tracks: " + known + ")"};
}

}  // namespace pw
