// Internal: a uniform grid over a track's road quads.
//
// Quad i is the piece of road between waypoints i and i+1: (inner_i,
// inner_i+1, outer_i+1, outer_i). Each grid cell lists the quads whose
// bounding box overlaps it, in ascending order (ordered iteration keeps the
// core deterministic). Queries look at one cell, or walk cells along a ray,
// so their cost is independent of the number of waypoints.
//
// The road itself is not the union of the quads: at a tight hairpin, or where
// a file pairs border points far apart along the road (Tokyo_Training_track),
// quads twist and overlap. As in DeepRacer (shapely's Polygon(outer, [inner])),
// the road is the area between the two border rings, each ring's inside by the
// even-odd rule. A point's rings are counted along a horizontal ray, cell by
// cell, until the ray reaches a cell no quad touches; such a cell lies wholly
// on one side of every border, and which rings enclose it is worked out once,
// when the index is built.
#pragma once

#include <cstdint>
#include <vector>

#include "pitwall/math.h"

namespace pw {

struct Box {
  double min_x, min_y, max_x, max_y;
};

struct Quad {
  Vec2 v[4];  // inner_i, inner_i+1, outer_i+1, outer_i
  double min_x, min_y, max_x, max_y;  // the quad's own bounds
  uint8_t caps = 0;  // open tracks: kStartCap (v[3]-v[0]) and kEndCap (v[1]-v[2]) close the outline
  // What the grid lists it by: the quad with its centre segment, which border
  // points paired far along the road can leave outside the quad.
  Box listed;
};

inline constexpr uint8_t kStartCap = 1, kEndCap = 2;
/// The border rings, as bits: the outer border (or an open track's whole outline) and the inner border.
inline constexpr unsigned kOuterRing = 1, kInnerRing = 2;

class TrackIndex {
 public:
  /// `closed`: the borders are two rings (a loop); otherwise they and the caps are one outline.
  TrackIndex(std::vector<Quad> quads, double cell_m, bool closed);

  const std::vector<Quad>& quads() const { return quads_; }
  /// Quads whose bounds overlap the cell at (cx, cy), or an empty range outside the grid.
  struct Span {
    const int32_t* begin;
    const int32_t* end;
  };
  Span Cell(int cx, int cy) const;
  bool CellOf(Vec2 p, int& cx, int& cy) const;
  /// The border rings that enclose p (even-odd rule per ring): kOuterRing | kInnerRing bits.
  unsigned RingsAround(Vec2 p) const;
  /// Whether the quad's own bounds (not its listed ones) overlap cell (cx, cy):
  /// the cells versions 1 and 2 of the core listed it in.
  bool OwnBoundsOverlap(const Quad& q, int cx, int cy) const;
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
  bool closed_ = true;
  std::vector<uint8_t> rings_;  // per cell that no quad touches: the rings around it
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
