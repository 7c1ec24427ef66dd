// Tracks: the DeepRacer route layout (centre line, inner and outer border, in
// driving order) and the geometric queries the simulation asks of it.
//
// Every per-step query (where is this point, is it on the road, how far to the
// edge along a ray) goes through a uniform grid over the track's quads, so its
// cost does not grow with the number of waypoints, and waypoint spacing may
// vary (real tracks use 0.09 m to 0.8 m).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pitwall/math.h"
#include "pitwall/result.h"

namespace pw {

/// One row of a route: centre, inner border and outer border points (metres).
struct Waypoint {
  Vec2 center;
  Vec2 inner;
  Vec2 outer;
};

/// What a track is made of before it is checked.
struct TrackDef {
  std::string id;    ///< short identifier, e.g. "harbour_hairpin"
  std::string name;  ///< display name
  std::vector<Waypoint> waypoints;
  /// A closed loop. Importers set it when the first row equals the last; the
  /// repeated last row may be present or not.
  bool closed = true;
};

/// Where a point is relative to the centre line.
struct TrackPosition {
  int segment = 0;             ///< centre segment index (waypoint i to i+1)
  double s_m = 0.0;            ///< arc length of the projection along the centre line
  double offset_m = 0.0;       ///< signed distance from the centre line, + = left of travel
  double distance_m = 0.0;     ///< |offset_m|, or the distance to the nearest end on open tracks
};

/// Summary figures for display and for `pitwall track import`.
struct TrackStats {
  double length_m = 0.0;
  double mean_width_m = 0.0;
  double min_width_m = 0.0;
  double max_width_m = 0.0;
  double min_radius_m = 0.0;    ///< tightest corner (centre line); infinity if straight
  double min_radius_at_m = 0.0; ///< where along the centre line
  bool clockwise = false;       ///< closed loops only
  int waypoints = 0;
};

class TrackIndex;  // internal spatial index

/// A checked, immutable track. Cheap to share between trials (copying shares the index).
class Track {
 public:
  /// Checks the definition and builds the track. On failure the error names
  /// the offending waypoint as "row N" (1-based, in the order given).
  static Result<Track> Build(TrackDef def);

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  bool closed() const { return closed_; }
  /// Waypoints without the repeated closing row.
  const std::vector<Waypoint>& waypoints() const { return waypoints_; }
  /// Number of centre segments (waypoints for a loop, waypoints - 1 if open).
  int segment_count() const;
  double length_m() const { return length_m_; }
  const TrackStats& stats() const { return stats_; }
  /// Arc length of waypoint i along the centre line.
  double waypoint_s(int i) const { return s_[static_cast<size_t>(i)]; }

  /// Projects a point onto the centre line: the nearest centre segment whose
  /// band (its left or right width, measured across the road) holds the point,
  /// so a point on one section is never given to another that passes close by;
  /// a point in no band (well off the road) maps to the nearest centre segment.
  TrackPosition Locate(Vec2 p) const;
  /// Locate as racing core versions 1 and 2 did: the nearest centre segment
  /// within a metre, along the road, of a quad that holds the point.
  TrackPosition LocateAsQuads(Vec2 p) const;
  /// Between the borders: inside the outer border's ring and outside the inner
  /// one's, each by the even-odd rule (DeepRacer's Polygon(outer, [inner])); for
  /// an open track, inside the outline of both borders and the two end caps.
  bool OnRoad(Vec2 p) const;
  /// The road as racing core versions 1 and 2 saw it: inside one of the quads
  /// between consecutive waypoints. It differs from OnRoad only where quads twist
  /// or overlap; replays of those versions' traces use it.
  bool OnRoadAsQuads(Vec2 p) const;
  /// Distance from `origin` along unit `dir` to the first road edge, capped at `max_m`.
  double RayToEdge(Vec2 origin, Vec2 dir, double max_m) const;

  /// Centre point, unit tangent and left-normal at arc length s (wrapped on loops, clamped if open).
  Vec2 CenterAt(double s_m) const;
  Vec2 TangentAt(double s_m) const;
  /// Signed curvature of the centre line at s (1/m, + = turning left), measured
  /// over a window of at least 0.25 m so that uneven spacing does not make noise.
  double CurvatureAt(double s_m) const;
  /// Distances from the centre to the left and right road edge at s.
  double LeftWidthAt(double s_m) const;
  double RightWidthAt(double s_m) const;
  /// Where the road's width at waypoint i is measured: across the road, square to
  /// the centre line there, from the left edge to the right (LeftWidthAt,
  /// RightWidthAt). Consecutive spans outline the road without the file's pairing
  /// of border points, which on real tracks may lie far along the road.
  struct Span {
    Vec2 left, right;
  };
  Span SpanAt(int i) const;
  /// Wraps s into [0, length) on loops; clamps to [0, length] on open tracks.
  double WrapS(double s_m) const;

 private:
  Track() = default;
  struct SegmentRef {
    int index;
    double t;
  };
  SegmentRef FindSegment(double s_m) const;
  Vec2 AcrossAt(size_t i) const;  // unit left normal at waypoint i: square to its neighbours' chord
  TrackPosition ProjectOn(int segment, Vec2 p) const;
  bool InBand(const TrackPosition& pos) const;
  enum class Candidates {
    kAll,         // every centre segment
    kInBand,      // those whose band holds the point
    kAsVersion2,  // as core versions 1 and 2 listed them: by their quads' own bounds
  };
  /// The nearest centre segment to p among the candidates.
  bool NearestSegment(Vec2 p, Candidates which, TrackPosition& best) const;
  double RayToBorder(Vec2 origin, Vec2 dir, double max_m, bool open_ends) const;

  std::string id_;
  std::string name_;
  bool closed_ = true;
  std::vector<Waypoint> waypoints_;
  std::vector<double> s_;          // arc length at each waypoint (+ closing one for loops)
  std::vector<double> curvature_;  // per waypoint
  std::vector<double> left_w_, right_w_;
  double length_m_ = 0.0;
  double max_band_m_ = 0.0;        // the widest band: no point in a band is further from its segment
  TrackStats stats_;
  std::shared_ptr<const TrackIndex> index_;
};

/// The same road driven the other way: closed loops keep their start point
/// (waypoint 0) and list the others backwards; open tracks start at their end.
/// Inner and outer borders stay where they are.
Result<Track> ReverseTrack(const Track& track);

}  // namespace pw
