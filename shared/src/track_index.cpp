#include "track_index.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace pw {
namespace {

// Where edge ab crosses the horizontal line at height y. A vertex on the line
// counts as above it, so a ring through a vertex is crossed once, not twice.
bool CrossesRow(Vec2 a, Vec2 b, double y, double& x) {
  if ((a.y > y) == (b.y > y)) return false;
  x = a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x);
  x = std::clamp(x, std::min(a.x, b.x), std::max(a.x, b.x));  // rounding must not move it off the edge
  return true;
}

// The border edges a quad carries, with the ring each belongs to.
template <typename Fn>
void ForEachBorderEdge(const Quad& q, bool closed, Fn&& fn) {
  fn(q.v[0], q.v[1], closed ? kInnerRing : kOuterRing);
  fn(q.v[3], q.v[2], kOuterRing);
  if (q.caps & kStartCap) fn(q.v[3], q.v[0], kOuterRing);
  if (q.caps & kEndCap) fn(q.v[1], q.v[2], kOuterRing);
}

}  // namespace

TrackIndex::TrackIndex(std::vector<Quad> quads, double cell_m, bool closed)
    : quads_(std::move(quads)), cell_m_(cell_m), closed_(closed) {
  double min_x = quads_[0].listed.min_x, min_y = quads_[0].listed.min_y, max_x = quads_[0].listed.max_x, max_y = quads_[0].listed.max_y;
  for (const Quad& q : quads_) {
    min_x = std::min(min_x, q.listed.min_x);
    min_y = std::min(min_y, q.listed.min_y);
    max_x = std::max(max_x, q.listed.max_x);
    max_y = std::max(max_y, q.listed.max_y);
  }
  const double margin = cell_m_;
  origin_ = {min_x - margin, min_y - margin};
  nx_ = static_cast<int>(std::floor((max_x + margin - origin_.x) / cell_m_)) + 1;
  ny_ = static_cast<int>(std::floor((max_y + margin - origin_.y) / cell_m_)) + 1;
  const size_t cells = static_cast<size_t>(nx_) * static_cast<size_t>(ny_);
  std::vector<int32_t> counts(cells + 1, 0);
  auto for_cells = [&](const Quad& q, auto&& fn) {
    const int x0 = static_cast<int>(std::floor((q.listed.min_x - origin_.x) / cell_m_));
    const int x1 = static_cast<int>(std::floor((q.listed.max_x - origin_.x) / cell_m_));
    const int y0 = static_cast<int>(std::floor((q.listed.min_y - origin_.y) / cell_m_));
    const int y1 = static_cast<int>(std::floor((q.listed.max_y - origin_.y) / cell_m_));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) fn(static_cast<size_t>(y) * static_cast<size_t>(nx_) + static_cast<size_t>(x));
  };
  for (const Quad& q : quads_) for_cells(q, [&](size_t c) { ++counts[c + 1]; });
  for (size_t c = 0; c < cells; ++c) counts[c + 1] += counts[c];
  offsets_ = counts;
  items_.resize(static_cast<size_t>(offsets_[cells]));
  std::vector<int32_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (size_t i = 0; i < quads_.size(); ++i)
    for_cells(quads_[i], [&](size_t c) { items_[static_cast<size_t>(fill[c]++)] = static_cast<int32_t>(i); });

  // The rings around each cell no quad touches: along the row's middle line,
  // the rings crossed between the cell's centre and the grid's right end.
  rings_.assign(cells, 0);
  std::vector<std::pair<double, unsigned>> crossings;
  for (int cy = 0; cy < ny_; ++cy) {
    const double y = origin_.y + (cy + 0.5) * cell_m_;
    crossings.clear();
    for (const Quad& q : quads_) {
      if (y < q.min_y || y > q.max_y) continue;
      ForEachBorderEdge(q, closed_, [&](Vec2 a, Vec2 b, unsigned ring) {
        double x;
        if (CrossesRow(a, b, y, x)) crossings.push_back({x, ring});
      });
    }
    std::sort(crossings.begin(), crossings.end());
    unsigned rings = 0;
    size_t k = crossings.size();
    for (int cx = nx_ - 1; cx >= 0; --cx) {
      const double x = origin_.x + (cx + 0.5) * cell_m_;
      for (; k > 0 && crossings[k - 1].first > x; --k) rings ^= crossings[k - 1].second;
      const size_t c = static_cast<size_t>(cy) * static_cast<size_t>(nx_) + static_cast<size_t>(cx);
      if (offsets_[c] == offsets_[c + 1]) rings_[c] = static_cast<uint8_t>(rings);
    }
  }
}

unsigned TrackIndex::RingsAround(Vec2 p) const {
  int cx, cy;
  if (!CellOf(p, cx, cy)) return 0;
  // Count the border edges a ray from p to the right crosses, each in the
  // cell where it crosses, until a cell that no quad touches: the rings
  // around that cell (worked out when the index was built) give the rest.
  unsigned rings = 0;
  for (int x = cx; x < nx_; ++x) {
    const Span span = Cell(x, cy);
    if (span.begin == span.end)
      return rings ^ rings_[static_cast<size_t>(cy) * static_cast<size_t>(nx_) + static_cast<size_t>(x)];
    for (const int32_t* it = span.begin; it != span.end; ++it) {
      ForEachBorderEdge(quads_[static_cast<size_t>(*it)], closed_, [&](Vec2 a, Vec2 b, unsigned ring) {
        double at;
        if (CrossesRow(a, b, p.y, at) && at > p.x && static_cast<int>(std::floor((at - origin_.x) / cell_m_)) == x) rings ^= ring;
      });
    }
  }
  return rings;  // not reached: the grid's margin leaves its last column empty
}

TrackIndex::Span TrackIndex::Cell(int cx, int cy) const {
  if (cx < 0 || cy < 0 || cx >= nx_ || cy >= ny_) return {nullptr, nullptr};
  const size_t c = static_cast<size_t>(cy) * static_cast<size_t>(nx_) + static_cast<size_t>(cx);
  return {items_.data() + offsets_[c], items_.data() + offsets_[c + 1]};
}

bool TrackIndex::OwnBoundsOverlap(const Quad& q, int cx, int cy) const {
  return static_cast<int>(std::floor((q.min_x - origin_.x) / cell_m_)) <= cx && cx <= static_cast<int>(std::floor((q.max_x - origin_.x) / cell_m_)) &&
         static_cast<int>(std::floor((q.min_y - origin_.y) / cell_m_)) <= cy && cy <= static_cast<int>(std::floor((q.max_y - origin_.y) / cell_m_));
}

bool TrackIndex::CellOf(Vec2 p, int& cx, int& cy) const {
  const double fx = std::floor((p.x - origin_.x) / cell_m_);
  const double fy = std::floor((p.y - origin_.y) / cell_m_);
  if (!(fx >= 0.0 && fy >= 0.0 && fx < nx_ && fy < ny_)) return false;
  cx = static_cast<int>(fx);
  cy = static_cast<int>(fy);
  return true;
}

bool PointInQuad(const Quad& q, Vec2 p) {
  if (p.x < q.min_x || p.x > q.max_x || p.y < q.min_y || p.y > q.max_y) return false;
  bool inside = false;
  for (int i = 0, j = 3; i < 4; j = i++) {
    const Vec2 a = q.v[i], b = q.v[j];
    if ((a.y > p.y) != (b.y > p.y)) {
      const double x_cross = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
      if (p.x < x_cross) inside = !inside;
    }
  }
  return inside;
}

double ProjectOnSegment(Vec2 a, Vec2 b, Vec2 p) {
  const Vec2 d = b - a;
  const double len2 = Dot(d, d);
  if (len2 <= 0.0) return 0.0;
  return std::clamp(Dot(p - a, d) / len2, 0.0, 1.0);
}

double RaySegment(Vec2 origin, Vec2 dir, Vec2 a, Vec2 b) {
  const Vec2 e = b - a;
  const double denom = Cross(dir, e);
  if (denom == 0.0) return -1.0;
  const Vec2 w = a - origin;
  const double t = Cross(w, e) / denom;
  const double u = Cross(w, dir) / denom;
  if (t < 0.0 || u < 0.0 || u > 1.0) return -1.0;
  return t;
}

bool SegmentsIntersect(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
  auto orient = [](Vec2 p, Vec2 q, Vec2 r) {
    const double v = Cross(q - p, r - p);
    return (v > 0.0) - (v < 0.0);
  };
  auto on_segment = [](Vec2 p, Vec2 q, Vec2 r) {  // r collinear with pq: within its box?
    return std::min(p.x, q.x) <= r.x && r.x <= std::max(p.x, q.x) && std::min(p.y, q.y) <= r.y &&
           r.y <= std::max(p.y, q.y);
  };
  const int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 != o2 && o3 != o4) return true;
  if (o1 == 0 && on_segment(a, b, c)) return true;
  if (o2 == 0 && on_segment(a, b, d)) return true;
  if (o3 == 0 && on_segment(c, d, a)) return true;
  if (o4 == 0 && on_segment(c, d, b)) return true;
  return false;
}

}  // namespace pw
