// Internal: a uniform grid over a track's road quads.
//
// Quad i is the piece of road between waypoints i and i+1: (inner_i,
// inner_i+1, outer_i+1, outer_i). Each grid cell lists the quads whose
// bounding box overlaps it, in ascending order (ordered iteration keeps the
// core deterministic). Queries look at one cell, or walk cells along a ray,
// so their cost is independent of the number of waypoints.
#pragma once

#include <cstdint>
#include <vector>

#include "pitwall/math.h"

namespace pw {

struct Quad {
  Vec2 v[4];  // inner_i, inner_i+1, outer_i+1, outer_i
  double min_x, min_y, max_x, max_y;
};

class TrackIndex {
 public:
  TrackIndex(std::vector<Quad> quads, double cell_m);

  const std::vector<Quad>& quads() const { return quads_; }
  /// Quads whose bounds overlap the cell at (cx, cy), or an empty range outside the grid.
  struct Span {
    const int32_t* begin;
    const int32_t* end;
  };
  Span Cell(int cx, int cy) const;
  bool CellOf(Vec2 p, int& cx, int& cy) const;
  int nx() const { return nx_; }
  int ny() const { return ny_; }
  double cell_m() const { return cell_m_; }
  Vec2 origin() const { return origin_; }

 private:
  std::vector<Quad> quads_;
  Vec2 origin_;
  double cell_m_ = 0.5;
  int nx_ = 0, ny_ = 0;
  std::vector<int32_t> offsets_;  // CSR: nx*ny + 1
  std::vector<int32_t> items_;
};

/// Even-odd point-in-polygon for a quad (works for non-convex quads).
bool PointInQuad(const Quad& q, Vec2 p);
/// Closest point on segment ab to p, as the parameter t in [0, 1].
double ProjectOnSegment(Vec2 a, Vec2 b, Vec2 p);
/// Ray origin + t*dir against segment ab: the t of the hit, or a negative value for none.
double RaySegment(Vec2 origin, Vec2 dir, Vec2 a, Vec2 b);
/// Whether segments ab and cd cross (touching at an end point counts).
bool SegmentsIntersect(Vec2 a, Vec2 b, Vec2 c, Vec2 d);

}  // namespace pw
