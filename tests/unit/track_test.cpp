#include "pitwall/track.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pitwall/track_library.h"
#include "test_support.h"

namespace pw {
namespace {

using testing::Circle;
using testing::CircleDef;

TEST(Track, CircleLengthCurvatureAndWidths) {
  const Track t = Circle(5.0, 1.0, 400);
  EXPECT_NEAR(t.length_m(), kTwoPi * 5.0, 0.01);
  EXPECT_TRUE(t.closed());
  EXPECT_FALSE(t.stats().clockwise);
  for (double s = 0.0; s < t.length_m(); s += 0.7) {
    EXPECT_NEAR(t.CurvatureAt(s), 0.2, 0.005) << s;  // chords bias it up by about 1.5 %
    EXPECT_NEAR(t.LeftWidthAt(s), 0.5, 0.01) << s;
    EXPECT_NEAR(t.RightWidthAt(s), 0.5, 0.01) << s;
  }
  const Track cw = Circle(5.0, 1.0, 400, /*clockwise=*/true);
  EXPECT_TRUE(cw.stats().clockwise);
  EXPECT_NEAR(cw.CurvatureAt(3.0), -0.2, 0.005);  // right turns are negative
  EXPECT_NEAR(cw.stats().min_radius_m, 5.0, 0.1);
}

TEST(Track, OnRoadIsBetweenTheBorders) {
  const Track t = Circle(5.0, 1.0, 200);
  for (double a = 0.0; a < kTwoPi; a += 0.05) {
    const Vec2 d{std::cos(a), std::sin(a)};
    EXPECT_TRUE(t.OnRoad(d * 5.0));
    EXPECT_TRUE(t.OnRoad(d * 4.6));
    EXPECT_TRUE(t.OnRoad(d * 5.4));
    EXPECT_FALSE(t.OnRoad(d * 4.4)) << a;  // inside the inner border
    EXPECT_FALSE(t.OnRoad(d * 5.6)) << a;  // outside the outer border
  }
  EXPECT_FALSE(t.OnRoad({0.0, 0.0}));
  EXPECT_FALSE(t.OnRoad({100.0, -40.0}));  // far outside the index
}

TEST(Track, LocateGivesProgressAndSignedOffset) {
  const Track t = Circle(5.0, 1.0, 360);
  // A quarter of the way round, 0.3 m towards the centre (left of a counter-clockwise car).
  const TrackPosition p = t.Locate(Vec2{0.0, 1.0} * 4.7);
  EXPECT_NEAR(p.s_m, t.length_m() / 4.0, 0.02);
  EXPECT_NEAR(p.offset_m, 0.3, 0.01);
  const TrackPosition q = t.Locate(Vec2{0.0, -1.0} * 5.2);
  EXPECT_NEAR(q.s_m, 3.0 * t.length_m() / 4.0, 0.02);
  EXPECT_NEAR(q.offset_m, -0.2, 0.01);
}

TEST(Track, UnevenSpacingFromRealTracksExtremesStillGivesSmoothQueries) {
  const Track t = Circle(4.0, 1.0, 0, false, /*uneven=*/true);
  EXPECT_NEAR(t.length_m(), kTwoPi * 4.0, 0.2);  // chords of up to 0.8 m
  double previous = -1.0;
  for (double a = 0.0; a < kTwoPi - 0.01; a += 0.01) {
    const TrackPosition p = t.Locate(Vec2{std::cos(a), std::sin(a)} * 4.0);
    EXPECT_GT(p.s_m, previous) << "progress must grow steadily at angle " << a;
    previous = p.s_m;
    EXPECT_NEAR(p.s_m / t.length_m(), a / kTwoPi, 0.01);
  }
  for (double s = 0.0; s < t.length_m(); s += 0.5) EXPECT_NEAR(t.CurvatureAt(s), 0.25, 0.03) << s;
}

TEST(Track, LocateKeepsCloseSectionsApart) {
  // Harbour Hairpin's hairpin has two straights 1 m apart: a point on either
  // must map to its own piece of road.
  const Track t = BuiltinTrack("harbour_hairpin").value();
  for (double s = 0.05; s < t.length_m(); s += 0.1) {
    const Vec2 c = t.CenterAt(s);
    const Vec2 n = LeftNormal(t.TangentAt(s));
    for (double off : {-0.3, 0.0, 0.3}) {
      const TrackPosition p = t.Locate(c + n * off);
      // Inside the hairpin a point is nearer the next chord, so s moves a little; never metres.
      EXPECT_NEAR(p.s_m, s, 0.1) << "s=" << s << " offset=" << off;
      EXPECT_NEAR(p.offset_m, off, 0.02) << "s=" << s;
    }
  }
}

TEST(Track, OffRoadLocateMatchesABruteForceNearestSegment) {
  const Track t = BuiltinTrack("quarry_sprint").value();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> ux(-15.0, 25.0), uy(-10.0, 25.0);
  const auto& w = t.waypoints();
  int tested = 0;
  for (int i = 0; i < 3000; ++i) {
    const Vec2 p{ux(rng), uy(rng)};
    if (t.OnRoad(p)) continue;
    double best = 1e300;
    for (size_t k = 0; k < w.size(); ++k) {
      const Vec2 a = w[k].center, b = w[(k + 1) % w.size()].center;
      const double len2 = Dot(b - a, b - a);
      const double u = std::clamp(Dot(p - a, b - a) / len2, 0.0, 1.0);
      best = std::min(best, Distance(p, Lerp(a, b, u)));
    }
    ASSERT_NEAR(t.Locate(p).distance_m, best, 1e-9) << p.x << "," << p.y;
    ++tested;
  }
  EXPECT_GT(tested, 2000);
}

TEST(Track, RayToEdgeMatchesABruteForceIntersection) {
  const Track t = BuiltinTrack("pitwall_park").value();
  const auto& w = t.waypoints();
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> us(0.0, t.length_m()), uo(-0.45, 0.45), ua(-kPi, kPi);
  for (int i = 0; i < 2000; ++i) {
    const double s = us(rng);
    const Vec2 origin = t.CenterAt(s) + LeftNormal(t.TangentAt(s)) * uo(rng);
    const Vec2 dir = dmath::Direction(ua(rng));
    double best = 3.0;
    for (size_t k = 0; k < w.size(); ++k) {
      const size_t j = (k + 1) % w.size();
      for (auto [a, b] : {std::pair{w[k].inner, w[j].inner}, std::pair{w[k].outer, w[j].outer}}) {
        const Vec2 e = b - a;
        const double den = Cross(dir, e);
        if (den == 0.0) continue;
        const double tt = Cross(a - origin, e) / den, u = Cross(a - origin, dir) / den;
        if (tt >= 0.0 && u >= 0.0 && u <= 1.0) best = std::min(best, tt);
      }
    }
    ASSERT_NEAR(t.RayToEdge(origin, dir, 3.0), best, 1e-9) << "s=" << s;
  }
}

TEST(Track, WrapKeepsLoopsInRangeAndClampsOpenSegments) {
  const Track loop = Circle(2.0, 0.8, 100);
  EXPECT_NEAR(loop.WrapS(loop.length_m() + 1.0), 1.0, 1e-9);
  EXPECT_NEAR(loop.WrapS(-1.0), loop.length_m() - 1.0, 1e-9);
  const Track open = Track::Build(testing::StraightDef(10.0, 1.0)).value();
  EXPECT_FALSE(open.closed());
  EXPECT_DOUBLE_EQ(open.WrapS(12.0), 10.0);
  EXPECT_DOUBLE_EQ(open.WrapS(-1.0), 0.0);
  EXPECT_FALSE(open.OnRoad({10.5, 0.0}));  // past the end
  EXPECT_NEAR(open.RayToEdge({5.0, 0.0}, {1.0, 0.0}, 20.0), 5.0, 1e-9);  // the open end is an edge
}

// --- Validation: each malformed input gets its own error, naming the row ---

TEST(TrackValidation, TooFewWaypoints) {
  TrackDef def = CircleDef(3.0, 1.0, 3);
  def.waypoints.resize(3);
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "a track needs at least 4 waypoints, found 3");
}

TEST(TrackValidation, NanOrInfinityNamesTheRow) {
  TrackDef def = CircleDef(3.0, 1.0, 50);
  def.waypoints[6].inner.y = NAN;
  EXPECT_EQ(Track::Build(def).error().message, "row 7: a coordinate is NaN or infinite");
  def = CircleDef(3.0, 1.0, 50);
  def.waypoints[9].outer.x = INFINITY;
  EXPECT_EQ(Track::Build(def).error().message, "row 10: a coordinate is NaN or infinite");
}

// Found by tests/fuzz: coordinates a million kilometres apart made the grid
// index ask for more memory than exists.
TEST(TrackValidation, HugeSpanIsRefusedBeforeTheIndexIsBuilt) {
  const auto r = Track::Build(CircleDef(1e9, 1.0, 50));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("a track may span at most 10000 m"), std::string::npos) << r.error().message;
  const auto big = Track::Build(CircleDef(4000.0, 2.0, 10000));  // big, but a road
  EXPECT_TRUE(big.ok()) << big.error().message;
}

// Found by tests/fuzz: borders of a few metres with one centre point 1e30 m away
// passed the span check (which looked at the borders) and the index (which also
// covers the centre line) then asked for a grid larger than memory.
TEST(TrackValidation, CentreLineFarFromItsBordersIsRefusedBeforeTheIndexIsBuilt) {
  TrackDef def = CircleDef(3.0, 1.0, 50);
  def.waypoints[30].center = {1e30, -1e30};
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the track spans 1e+30 m; a track may span at most 10000 m");
}

TEST(TrackValidation, ZeroWidth) {
  TrackDef def = CircleDef(3.0, 1.0, 50);
  def.waypoints[12].inner = def.waypoints[12].center;
  def.waypoints[12].outer = def.waypoints[12].center;
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("row 13: zero width"), std::string::npos) << r.error().message;
}

TEST(TrackValidation, CentreLineOutsideTheRoad) {
  // Row 21's outer point is pulled in between the centre and the inner border:
  // the outer border passes inside the centre line there.
  TrackDef def = CircleDef(3.0, 1.0, 50);
  Waypoint& w = def.waypoints[20];
  w.outer = w.center + (w.inner - w.center) * 0.5;
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("row 21: the centre line is not between the borders here"), std::string::npos) << r.error().message;
  // Between rows too: both borders of a straight's row 6 pushed to one side, 0.1 m and
  // 0.2 m right of the centre line. The rows themselves stay on the road; the centre
  // line between rows 5 and 6 leaves it.
  TrackDef straight = testing::StraightDef(4.0, 0.8, 11);
  straight.waypoints[5].inner = straight.waypoints[5].center + Vec2{0.0, -0.1};
  straight.waypoints[5].outer = straight.waypoints[5].center + Vec2{0.0, -0.2};
  const auto s = Track::Build(straight);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("the centre line"), std::string::npos) << s.error().message;
}

TEST(TrackValidation, BordersSwappingSides) {
  TrackDef def = CircleDef(3.0, 1.0, 50);
  std::swap(def.waypoints[30].inner, def.waypoints[30].outer);
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("row 30: the inner border crosses the outer border (inner rows 30-31, outer rows 30-31)"),
            std::string::npos)
      << r.error().message;
}

TEST(TrackValidation, BordersCrossingEachOther) {
  // Row 16's inner point stays (just) left of the centre line but lies 3 m
  // ahead along the tangent: outside the circle, so the inner border runs
  // through the outer border to reach it.
  TrackDef def = CircleDef(3.0, 1.0, 60);
  Waypoint& w = def.waypoints[15];
  Vec2 tangent = def.waypoints[16].center - def.waypoints[14].center;
  tangent = tangent * (1.0 / Length(tangent));
  w.inner = w.center + tangent * 3.0 + LeftNormal(tangent) * 0.01;
  const auto r = Track::Build(def);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("the inner border crosses the outer border"), std::string::npos) << r.error().message;
}

TEST(TrackValidation, RepeatedPointsAreMergedNotRejected) {
  TrackDef def = CircleDef(3.0, 1.0, 50);
  def.waypoints.insert(def.waypoints.begin() + 10, def.waypoints[10]);
  const auto r = Track::Build(def);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().waypoints().size(), 50u);
}

}  // namespace
}  // namespace pw
