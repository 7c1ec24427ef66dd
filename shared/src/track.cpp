#include "pitwall/track.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "track_index.h"

namespace pw {
namespace {

constexpr int kMaxWaypoints = 20000;
constexpr double kSamePointM = 1e-6;
constexpr double kMinWidthM = 0.01;
// Bounds that keep an imported track's grid index small whatever the file
// says: real tracks span tens of metres with short segments.
constexpr double kMaxSpanM = 10000.0;
constexpr size_t kMaxIndexEntries = size_t{1} << 22;
constexpr double kCurvatureWindowM = 0.25;
constexpr double kLocateWindowM = 1.0;
// How far past its measured width a segment's band reaches: widths are measured at the rows,
// and the road between them may bulge a little.
constexpr double kBandMarginM = 0.1;

std::string Row(size_t row_1based) { return "row " + std::to_string(row_1based) + ": "; }

bool Finite(const Waypoint& w) {
  return std::isfinite(w.center.x) && std::isfinite(w.center.y) && std::isfinite(w.inner.x) &&
         std::isfinite(w.inner.y) && std::isfinite(w.outer.x) && std::isfinite(w.outer.y);
}

// Signed Menger curvature through three points (+ = turning left).
double Curvature3(Vec2 a, Vec2 b, Vec2 c) {
  const double ab = Distance(a, b), bc = Distance(b, c), ca = Distance(c, a);
  const double denom = ab * bc * ca;
  if (denom <= 0.0) return 0.0;
  return 2.0 * Cross(b - a, c - b) / denom;
}

Quad MakeQuad(const Waypoint& a, const Waypoint& b) {
  Quad q{{a.inner, b.inner, b.outer, a.outer}, 0, 0, 0, 0, 0, {0, 0, 0, 0}};
  q.min_x = q.max_x = q.v[0].x;
  q.min_y = q.max_y = q.v[0].y;
  for (const Vec2& v : q.v) {
    q.min_x = std::min(q.min_x, v.x);
    q.max_x = std::max(q.max_x, v.x);
    q.min_y = std::min(q.min_y, v.y);
    q.max_y = std::max(q.max_y, v.y);
  }
  q.listed = {q.min_x, q.min_y, q.max_x, q.max_y};
  for (const Vec2& c : {a.center, b.center}) {
    q.listed.min_x = std::min(q.listed.min_x, c.x);
    q.listed.max_x = std::max(q.listed.max_x, c.x);
    q.listed.min_y = std::min(q.listed.min_y, c.y);
    q.listed.max_y = std::max(q.listed.max_y, c.y);
  }
  return q;
}

}  // namespace

int Track::segment_count() const {
  const int n = static_cast<int>(waypoints_.size());
  return closed_ ? n : n - 1;
}

Result<Track> Track::Build(TrackDef def) {
  const size_t given = def.waypoints.size();
  if (given < 4) return Error{"a track needs at least 4 waypoints, found " + std::to_string(given)};
  if (given > kMaxWaypoints)
    return Error{"a track may have at most " + std::to_string(kMaxWaypoints) + " waypoints, found " +
                 std::to_string(given)};
  for (size_t i = 0; i < given; ++i)
    if (!Finite(def.waypoints[i])) return Error{Row(i + 1) + "a coordinate is NaN or infinite"};

  // Drop repeated centre points (and the closing row of a loop), remembering
  // each kept waypoint's original row for error messages.
  std::vector<Waypoint> pts;
  std::vector<size_t> rows;
  for (size_t i = 0; i < given; ++i) {
    const Waypoint& w = def.waypoints[i];
    if (!pts.empty() && Distance(pts.back().center, w.center) <= kSamePointM) continue;
    pts.push_back(w);
    rows.push_back(i + 1);
  }
  if (def.closed && pts.size() > 1 && Distance(pts.back().center, pts.front().center) <= kSamePointM) {
    pts.pop_back();
    rows.pop_back();
  }
  const size_t n = pts.size();
  if (n < (def.closed ? 3u : 2u))
    return Error{"a track needs at least 4 distinct waypoints, found " + std::to_string(n)};

  Track t;
  t.id_ = std::move(def.id);
  t.name_ = std::move(def.name);
  t.closed_ = def.closed;
  const size_t segs = def.closed ? n : n - 1;
  auto next = [&](size_t i) { return def.closed ? (i + 1) % n : std::min(i + 1, n - 1); };
  auto prev = [&](size_t i) { return def.closed ? (i + n - 1) % n : (i == 0 ? 0 : i - 1); };

  // Border points must be apart. Where they lie along the centre line is not
  // checked row by row: real tracks pair them up to a metre along the road, so
  // both may fall on one side of a waypoint's normal (Tokyo_Training_track's
  // chicane); what matters is that the centre line runs between the borders,
  // checked below once the road is known.
  for (size_t i = 0; i < n; ++i) {
    const Waypoint& w = pts[i];
    const double width = Distance(w.inner, w.outer);
    if (width < kMinWidthM)
      return Error{Row(rows[i]) + "zero width: the inner and outer border points are " +
                   std::to_string(width) + " m apart"};
  }

  // The borders may not cross each other.
  for (size_t i = 0; i < segs; ++i) {
    const Vec2 a = pts[i].inner, b = pts[next(i)].inner;
    for (size_t j = 0; j < segs; ++j) {
      const Vec2 c = pts[j].outer, d = pts[next(j)].outer;
      if (std::max(a.x, b.x) < std::min(c.x, d.x) || std::max(c.x, d.x) < std::min(a.x, b.x) ||
          std::max(a.y, b.y) < std::min(c.y, d.y) || std::max(c.y, d.y) < std::min(a.y, b.y))
        continue;
      if (SegmentsIntersect(a, b, c, d))
        return Error{Row(rows[i]) + "the inner border crosses the outer border (inner rows " +
                     std::to_string(rows[i]) + "-" + std::to_string(rows[next(i)]) + ", outer rows " +
                     std::to_string(rows[j]) + "-" + std::to_string(rows[next(j)]) + ")"};
    }
  }

  t.waypoints_ = std::move(pts);
  const auto& w = t.waypoints_;
  t.s_.assign(n + 1, 0.0);
  for (size_t i = 0; i < segs; ++i) t.s_[i + 1] = t.s_[i] + Distance(w[i].center, w[next(i)].center);
  if (!def.closed) t.s_[n] = t.s_[n - 1];
  t.length_m_ = t.s_[segs];

  std::vector<Quad> quads;
  quads.reserve(segs);
  double min_x = w[0].center.x, max_x = min_x, min_y = w[0].center.y, max_y = min_y;
  for (size_t i = 0; i < segs; ++i) {
    quads.push_back(MakeQuad(w[i], w[next(i)]));
    if (!def.closed && i == 0) quads.back().caps |= kStartCap;
    if (!def.closed && i == segs - 1) quads.back().caps |= kEndCap;
    // The index covers the quads' listed boxes, which hold the centre line too.
    min_x = std::min(min_x, quads.back().listed.min_x);
    max_x = std::max(max_x, quads.back().listed.max_x);
    min_y = std::min(min_y, quads.back().listed.min_y);
    max_y = std::max(max_y, quads.back().listed.max_y);
  }
  const double span = std::max(max_x - min_x, max_y - min_y);
  if (!(span <= kMaxSpanM)) {
    char text[96];
    std::snprintf(text, sizeof text, "the track spans %.4g m; a track may span at most %.0f m", span, kMaxSpanM);
    return Error{text};
  }
  const double area = (max_x - min_x) * (max_y - min_y);
  // At most 256 cells a side; then count the index's entries before making it.
  const double cell = std::max({0.5, std::sqrt(area / 65536.0), span / 256.0});
  size_t entries = 0;
  for (const Quad& q : quads)
    entries += static_cast<size_t>(std::floor((q.listed.max_x - q.listed.min_x) / cell) + 2.0) *
               static_cast<size_t>(std::floor((q.listed.max_y - q.listed.min_y) / cell) + 2.0);
  if (entries > kMaxIndexEntries)
    return Error{"the track's segments are too long for its size (" + std::to_string(quads.size()) +
                 " segments cross the whole track); place waypoints along the road"};
  t.index_ = std::make_shared<TrackIndex>(std::move(quads), cell, def.closed);

  // The road is the area between the borders; the centre line must run on it,
  // at every waypoint and halfway to the next (an open track's two end points
  // sit on its caps, the road's edge).
  for (size_t i = 0; i < segs; ++i) {
    const bool end_point = !def.closed && i == 0;
    if (!end_point && !t.OnRoad(w[i].center))
      return Error{Row(rows[i]) + "the centre line is not between the borders here"};
    if (!t.OnRoad(Lerp(w[i].center, w[next(i)].center, 0.5)))
      return Error{Row(rows[i]) + "the centre line leaves the road between rows " + std::to_string(rows[i]) + " and " +
                   std::to_string(rows[next(i)]) + ""};
  }

  // Which side the inner border is on: the side most waypoints say (a few may
  // disagree where border points are paired far along the road).
  int inner_left_votes = 0;
  for (size_t i = 0; i < n; ++i) {
    const double si = Cross(w[next(i)].center - w[prev(i)].center, w[i].inner - w[i].center);
    inner_left_votes += si > 0.0 ? 1 : (si < 0.0 ? -1 : 0);
  }
  const bool inner_left = inner_left_votes >= 0;

  // Left and right widths: perpendicular distances from each centre point to
  // the borders. Real tracks pair border points that are not abreast of the
  // centre point (AWS_track's are up to a metre along the road), so the
  // distance to the paired points would be wrong; a ray to the border is not.
  t.left_w_.resize(n);
  t.right_w_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Vec2 left = t.AcrossAt(i);
    const double reach = 4.0 * Distance(w[i].inner, w[i].outer) + 1.0;
    t.left_w_[i] = t.RayToBorder(w[i].center, left, reach, false);
    t.right_w_[i] = t.RayToBorder(w[i].center, left * -1.0, reach, false);
    // A ray that grazes past a border's end (the ends of an open segment) falls back to the paired point.
    if (t.left_w_[i] >= reach) t.left_w_[i] = Distance(w[i].center, inner_left ? w[i].inner : w[i].outer);
    if (t.right_w_[i] >= reach) t.right_w_[i] = Distance(w[i].center, inner_left ? w[i].outer : w[i].inner);
  }
  if (!def.closed) {  // the end points sit on the end caps: take their neighbours' widths
    t.left_w_[0] = t.left_w_[1], t.right_w_[0] = t.right_w_[1];
    t.left_w_[n - 1] = t.left_w_[n - 2], t.right_w_[n - 1] = t.right_w_[n - 2];
  }
  for (size_t i = 0; i < n; ++i) t.max_band_m_ = std::max({t.max_band_m_, t.left_w_[i], t.right_w_[i]});
  t.max_band_m_ += kBandMarginM;

  // Curvature through the nearest waypoints at least 0.25 m before and after
  // each one: waypoints lie on the designed curve, while points interpolated
  // on long chords (real tracks have up to 0.8 m) would sit inside it.
  t.curvature_.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    auto along = [&](size_t from, size_t to, bool forward) {  // arc length from one waypoint to another
      double d = forward ? t.s_[to] - t.s_[from] : t.s_[from] - t.s_[to];
      if (def.closed && d < 0.0) d += t.length_m_;
      return d;
    };
    size_t before = i, after = i;
    bool ok = true;
    for (size_t k = 1; ok && along(before, i, true) < kCurvatureWindowM; ++k) {
      if (!def.closed && before == 0) ok = false;
      else before = prev(before);
      if (before == i || k > n) ok = false;
    }
    for (size_t k = 1; ok && along(i, after, true) < kCurvatureWindowM; ++k) {
      if (!def.closed && after == n - 1) ok = false;
      else after = next(after);
      if (after == i || k > n) ok = false;
    }
    if (ok) t.curvature_[i] = Curvature3(w[before].center, w[i].center, w[after].center);
  }

  TrackStats& st = t.stats_;
  st.waypoints = static_cast<int>(n);
  st.length_m = t.length_m_;
  st.min_width_m = std::numeric_limits<double>::infinity();
  double sum_width = 0.0, max_k = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double width = t.left_w_[i] + t.right_w_[i];
    sum_width += width;
    st.min_width_m = std::min(st.min_width_m, width);
    st.max_width_m = std::max(st.max_width_m, width);
    if (std::fabs(t.curvature_[i]) > max_k) {
      max_k = std::fabs(t.curvature_[i]);
      st.min_radius_at_m = t.s_[i];
    }
  }
  st.mean_width_m = sum_width / static_cast<double>(n);
  st.min_radius_m = max_k > 1e-6 ? 1.0 / max_k : std::numeric_limits<double>::infinity();
  if (def.closed) {
    double area2 = 0.0;
    for (size_t i = 0; i < n; ++i) area2 += Cross(w[i].center, w[next(i)].center);
    st.clockwise = area2 < 0.0;
  }
  return t;
}

double Track::WrapS(double s_m) const {
  if (!closed_) return std::clamp(s_m, 0.0, length_m_);
  double r = s_m - length_m_ * std::floor(s_m / length_m_);
  if (r >= length_m_) r -= length_m_;
  if (r < 0.0) r = 0.0;
  return r;
}

Track::SegmentRef Track::FindSegment(double s_m) const {
  const double s = WrapS(s_m);
  const int segs = segment_count();
  auto it = std::upper_bound(s_.begin(), s_.begin() + segs + 1, s);
  int i = static_cast<int>(it - s_.begin()) - 1;
  i = std::clamp(i, 0, segs - 1);
  const double len = s_[static_cast<size_t>(i) + 1] - s_[static_cast<size_t>(i)];
  return {i, len > 0.0 ? std::clamp((s - s_[static_cast<size_t>(i)]) / len, 0.0, 1.0) : 0.0};
}

Vec2 Track::CenterAt(double s_m) const {
  const SegmentRef r = FindSegment(s_m);
  const size_t n = waypoints_.size();
  const size_t j = (static_cast<size_t>(r.index) + 1) % n;
  return Lerp(waypoints_[static_cast<size_t>(r.index)].center, waypoints_[j].center, r.t);
}

Vec2 Track::TangentAt(double s_m) const {
  const SegmentRef r = FindSegment(s_m);
  const size_t n = waypoints_.size();
  const Vec2 d = waypoints_[(static_cast<size_t>(r.index) + 1) % n].center - waypoints_[static_cast<size_t>(r.index)].center;
  return d * (1.0 / Length(d));
}

namespace {
template <typename V>
double InterpolateAt(const V& values, int i, double t, size_t n) {
  const size_t a = static_cast<size_t>(i), b = (a + 1) % n;
  return values[a] + (values[b] - values[a]) * t;
}
}  // namespace

double Track::CurvatureAt(double s_m) const {
  const SegmentRef r = FindSegment(s_m);
  return InterpolateAt(curvature_, r.index, r.t, waypoints_.size());
}
Vec2 Track::AcrossAt(size_t i) const {
  const size_t n = waypoints_.size();
  const size_t next = closed_ ? (i + 1) % n : std::min(i + 1, n - 1);
  const size_t prev = closed_ ? (i + n - 1) % n : (i == 0 ? 0 : i - 1);
  const Vec2 chord = waypoints_[next].center - waypoints_[prev].center;
  return LeftNormal(chord * (1.0 / Length(chord)));
}

Track::Span Track::SpanAt(int i) const {
  const size_t k = static_cast<size_t>(i);
  const Vec2 c = waypoints_[k].center, left = AcrossAt(k);
  return {c + left * left_w_[k], c - left * right_w_[k]};
}

double Track::LeftWidthAt(double s_m) const {
  const SegmentRef r = FindSegment(s_m);
  return InterpolateAt(left_w_, r.index, r.t, waypoints_.size());
}
double Track::RightWidthAt(double s_m) const {
  const SegmentRef r = FindSegment(s_m);
  return InterpolateAt(right_w_, r.index, r.t, waypoints_.size());
}

bool Track::OnRoad(Vec2 p) const {
  // Inside exactly one ring: between the borders of a loop whichever way its
  // file names them, or inside an open track's outline.
  const unsigned rings = index_->RingsAround(p);
  return rings == kOuterRing || rings == kInnerRing;
}

bool Track::OnRoadAsQuads(Vec2 p) const {
  int cx, cy;
  if (!index_->CellOf(p, cx, cy)) return false;
  const auto span = index_->Cell(cx, cy);
  for (const int32_t* it = span.begin; it != span.end; ++it)
    if (PointInQuad(index_->quads()[static_cast<size_t>(*it)], p)) return true;
  return false;
}

TrackPosition Track::ProjectOn(int seg, Vec2 p) const {
  const size_t n = waypoints_.size();
  const Vec2 a = waypoints_[static_cast<size_t>(seg)].center;
  const Vec2 b = waypoints_[(static_cast<size_t>(seg) + 1) % n].center;
  const double t = ProjectOnSegment(a, b, p);
  const Vec2 q = Lerp(a, b, t);
  TrackPosition pos;
  pos.segment = seg;
  // Past the ends of an open segment progress keeps counting (below 0 or
  // beyond the length), so a finish crossing there is timed inside its step.
  double t_s = t;
  if (!closed_ && (seg == 0 || seg == segment_count() - 1)) {
    const Vec2 d = b - a;
    const double raw = Dot(p - a, d) / Dot(d, d);
    if ((seg == 0 && raw < 0.0) || (seg == segment_count() - 1 && raw > 1.0)) t_s = raw;
  }
  pos.s_m = s_[static_cast<size_t>(seg)] + t_s * (s_[static_cast<size_t>(seg) + 1] - s_[static_cast<size_t>(seg)]);
  pos.distance_m = Distance(p, q);
  pos.offset_m = Cross(b - a, p - a) >= 0.0 ? pos.distance_m : -pos.distance_m;
  return pos;
}

bool Track::InBand(const TrackPosition& pos) const {
  const size_t i = static_cast<size_t>(pos.segment), j = (i + 1) % waypoints_.size();
  const double len = s_[i + 1] - s_[i];
  const double t = len > 0.0 ? std::clamp((pos.s_m - s_[i]) / len, 0.0, 1.0) : 0.0;
  const std::vector<double>& w = pos.offset_m >= 0.0 ? left_w_ : right_w_;
  return pos.distance_m <= w[i] + (w[j] - w[i]) * t + kBandMarginM;
}

bool Track::NearestSegment(Vec2 p, Candidates which, TrackPosition& best) const {
  const bool in_band = which == Candidates::kInBand;
  // Rings of cells outwards from p's (clamped) cell. A centre segment lies
  // inside its quad, so a quad listed in a cell bounds it.
  const double cell = index_->cell_m();
  const Vec2 o = index_->origin();
  const int cx = std::clamp(static_cast<int>(std::floor((p.x - o.x) / cell)), 0, index_->nx() - 1);
  const int cy = std::clamp(static_cast<int>(std::floor((p.y - o.y) / cell)), 0, index_->ny() - 1);
  const double cell_min_x = o.x + cx * cell, cell_min_y = o.y + cy * cell;
  // Distance from p to the boundary of its (clamped) cell, so the ring bound is valid even outside the grid.
  const double inset = std::max(0.0, std::min({p.x - cell_min_x, cell_min_x + cell - p.x, p.y - cell_min_y, cell_min_y + cell - p.y}));
  const int max_ring = std::max(index_->nx(), index_->ny());
  bool found = false;
  for (int ring = 0; ring <= max_ring; ++ring) {
    for (int y = cy - ring; y <= cy + ring; ++y) {
      for (int x = cx - ring; x <= cx + ring; ++x) {
        if (ring > 0 && y != cy - ring && y != cy + ring && x != cx - ring && x != cx + ring) continue;
        const auto span = index_->Cell(x, y);
        for (const int32_t* it = span.begin; it != span.end; ++it) {
          if (which == Candidates::kAsVersion2 && !index_->OwnBoundsOverlap(index_->quads()[static_cast<size_t>(*it)], x, y)) continue;
          const TrackPosition cand = ProjectOn(*it, p);
          if (in_band && !InBand(cand)) continue;
          if (!found || cand.distance_m < best.distance_m || (cand.distance_m == best.distance_m && cand.segment < best.segment))
            best = cand, found = true;
        }
      }
    }
    // Every cell outside this ring is at least ring * cell (+ inset) away; no band reaches further than the widest.
    const double bound = ring * cell + inset;
    if (found && best.distance_m <= bound) return true;
    if (in_band && bound > max_band_m_) return found;
  }
  return found;
}

TrackPosition Track::Locate(Vec2 p) const {
  // The nearest centre segment whose band (its left or right width, measured
  // across the road) holds p: a point on a wide section near a narrow one is
  // never given to the narrow one, however border points are paired. A point
  // in no band (off the road) goes to the nearest centre segment.
  TrackPosition best;
  if (NearestSegment(p, Candidates::kInBand, best) || NearestSegment(p, Candidates::kAll, best)) return best;
  return ProjectOn(0, p);
}

TrackPosition Track::LocateAsQuads(Vec2 p) const {
  // On the road: the quad that holds the point decides (nearest centre among them).
  int cx, cy;
  TrackPosition best;
  bool found = false;
  if (index_->CellOf(p, cx, cy)) {
    const auto span = index_->Cell(cx, cy);
    // The containing quad says which piece of road this is; the projection is
    // the nearest centre segment within a metre of it along the road, because
    // real tracks' quads can be skewed well away from their centre segment.
    const int segs = segment_count();
    for (const int32_t* it = span.begin; it != span.end; ++it) {
      if (!PointInQuad(index_->quads()[static_cast<size_t>(*it)], p)) continue;
      const double s_here = s_[static_cast<size_t>(*it)];
      for (int dir = -1; dir <= 1; dir += 2) {
        for (int k = dir < 0 ? 0 : 1; k < segs; ++k) {
          int j = *it + dir * k;
          if (closed_) j = ((j % segs) + segs) % segs;
          else if (j < 0 || j >= segs) break;
          double along = std::fabs(s_[static_cast<size_t>(j)] - s_here);
          if (closed_) along = std::min(along, length_m_ - along);
          if (k > 1 && along > kLocateWindowM) break;
          const TrackPosition cand = ProjectOn(j, p);
          if (!found || cand.distance_m < best.distance_m || (cand.distance_m == best.distance_m && cand.segment < best.segment))
            best = cand, found = true;
        }
      }
    }
    if (found) return best;
  }
  // Off the road: the nearest centre segment, among the quads listed as they were then.
  if (NearestSegment(p, Candidates::kAsVersion2, best)) return best;
  return ProjectOn(0, p);
}

double Track::RayToEdge(Vec2 origin, Vec2 dir, double max_m) const { return RayToBorder(origin, dir, max_m, true); }

double Track::RayToBorder(Vec2 origin, Vec2 dir, double max_m, bool open_ends) const {
  // Amanatides-Woo walk through the grid; in each cell test the border edges
  // of the quads listed there.
  const Vec2 o = index_->origin();
  const double cell = index_->cell_m();
  const size_t n = waypoints_.size();
  const int last_seg = segment_count() - 1;
  double best = max_m;
  double gx = (origin.x - o.x) / cell, gy = (origin.y - o.y) / cell;
  int cx = static_cast<int>(std::floor(gx)), cy = static_cast<int>(std::floor(gy));
  const int step_x = dir.x > 0.0 ? 1 : -1, step_y = dir.y > 0.0 ? 1 : -1;
  const double inf = std::numeric_limits<double>::infinity();
  const double t_delta_x = dir.x != 0.0 ? cell / std::fabs(dir.x) : inf;
  const double t_delta_y = dir.y != 0.0 ? cell / std::fabs(dir.y) : inf;
  double t_max_x = dir.x != 0.0 ? ((dir.x > 0.0 ? (cx + 1) - gx : gx - cx) * cell) / std::fabs(dir.x) : inf;
  double t_max_y = dir.y != 0.0 ? ((dir.y > 0.0 ? (cy + 1) - gy : gy - cy) * cell) / std::fabs(dir.y) : inf;
  double t_cell_start = 0.0;
  while (t_cell_start < best) {
    const auto span = index_->Cell(cx, cy);
    for (const int32_t* it = span.begin; it != span.end; ++it) {
      const size_t i = static_cast<size_t>(*it), j = (i + 1) % n;
      const Waypoint& a = waypoints_[i];
      const Waypoint& b = waypoints_[j];
      double t = RaySegment(origin, dir, a.inner, b.inner);
      if (t >= 0.0 && t < best) best = t;
      t = RaySegment(origin, dir, a.outer, b.outer);
      if (t >= 0.0 && t < best) best = t;
      if (open_ends && !closed_ && (*it == 0 || *it == last_seg)) {  // the open ends are edges too
        const Waypoint& cap = *it == 0 ? a : b;
        t = RaySegment(origin, dir, cap.inner, cap.outer);
        if (t >= 0.0 && t < best) best = t;
      }
    }
    if (t_max_x < t_max_y) {
      t_cell_start = t_max_x;
      t_max_x += t_delta_x;
      cx += step_x;
    } else {
      t_cell_start = t_max_y;
      t_max_y += t_delta_y;
      cy += step_y;
    }
    if (cx < -1 || cy < -1 || cx > index_->nx() || cy > index_->ny()) break;
  }
  return best;
}

Result<Track> ReverseTrack(const Track& track) {
  TrackDef def;
  def.id = track.id();
  def.name = track.name();
  def.closed = track.closed();
  const auto& w = track.waypoints();
  if (track.closed()) {
    def.waypoints.push_back(w.front());
    def.waypoints.insert(def.waypoints.end(), w.rbegin(), w.rend() - 1);
  } else {
    def.waypoints.assign(w.rbegin(), w.rend());
  }
  return Track::Build(std::move(def));
}

}  // namespace pw
