#include "track_index.h"

#include <algorithm>
#include <cmath>

namespace pw {

TrackIndex::TrackIndex(std::vector<Quad> quads, double cell_m) : quads_(std::move(quads)), cell_m_(cell_m) {
  double min_x = quads_[0].min_x, min_y = quads_[0].min_y, max_x = quads_[0].max_x, max_y = quads_[0].max_y;
  for (const Quad& q : quads_) {
    min_x = std::min(min_x, q.min_x);
    min_y = std::min(min_y, q.min_y);
    max_x = std::max(max_x, q.max_x);
    max_y = std::max(max_y, q.max_y);
  }
  const double margin = cell_m_;
  origin_ = {min_x - margin, min_y - margin};
  nx_ = static_cast<int>(std::floor((max_x + margin - origin_.x) / cell_m_)) + 1;
  ny_ = static_cast<int>(std::floor((max_y + margin - origin_.y) / cell_m_)) + 1;
  const size_t cells = static_cast<size_t>(nx_) * static_cast<size_t>(ny_);
  std::vector<int32_t> counts(cells + 1, 0);
  auto for_cells = [&](const Quad& q, auto&& fn) {
    const int x0 = static_cast<int>(std::floor((q.min_x - origin_.x) / cell_m_));
    const int x1 = static_cast<int>(std::floor((q.max_x - origin_.x) / cell_m_));
    const int y0 = static_cast<int>(std::floor((q.min_y - origin_.y) / cell_m_));
    const int y1 = static_cast<int>(std::floor((q.max_y - origin_.y) / cell_m_));
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
}

TrackIndex::Span TrackIndex::Cell(int cx, int cy) const {
  if (cx < 0 || cy < 0 || cx >= nx_ || cy >= ny_) return {nullptr, nullptr};
  const size_t c = static_cast<size_t>(cy) * static_cast<size_t>(nx_) + static_cast<size_t>(cx);
  return {items_.data() + offsets_[c], items_.data() + offsets_[c + 1]};
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
