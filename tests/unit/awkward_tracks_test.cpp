// Tracks as real DeepRacer files have them at their hardest: border points
// paired far along the road (Tokyo_Training_track's chicane, which the first
// importer refused as "negative width"), and hairpins tighter than half the
// road's width (the inner border loops back on itself). The road is the area
// between the border rings, as in DeepRacer; these tests hold it to a
// brute-force reading of that definition, and race on it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "pitwall/expert.h"
#include "pitwall/replay.h"
#include "pitwall/scoring.h"
#include "pitwall/trial.h"
#include "test_support.h"

namespace pw {
namespace {

using testing::AwkwardLoopDef;
using testing::SkewBorders;

// Even-odd point in polygon, over every edge: no index, nothing clever.
bool InsideRing(const std::vector<Vec2>& ring, Vec2 p) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const Vec2 a = ring[i], b = ring[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x)) inside = !inside;
  }
  return inside;
}

// DeepRacer's road, read literally: Polygon(outer, [inner]) for a loop,
// Polygon(outer + reversed inner) for an open track.
bool BruteForceOnRoad(const Track& t, Vec2 p) {
  std::vector<Vec2> inner, outer;
  for (const Waypoint& w : t.waypoints()) inner.push_back(w.inner), outer.push_back(w.outer);
  if (!t.closed()) {
    outer.insert(outer.end(), inner.rbegin(), inner.rend());
    return InsideRing(outer, p);
  }
  return InsideRing(outer, p) != InsideRing(inner, p);
}

// Rows whose two border points lie on the same side of the centre line's local
// direction: what the first importer refused.
int RowsWithBothBordersOnOneSide(const TrackDef& def) {
  std::vector<Waypoint> w = def.waypoints;
  if (def.closed) w.pop_back();  // the repeated first row
  const size_t n = w.size();
  int count = 0;
  for (size_t i = 0; i < n; ++i) {
    const Vec2 tangent = w[(i + 1) % n].center - w[(i + n - 1) % n].center;
    const double si = Cross(tangent, w[i].inner - w[i].center), so = Cross(tangent, w[i].outer - w[i].center);
    if ((si > 0.0) == (so > 0.0)) ++count;
  }
  return count;
}

// Whether a polyline crosses itself (segments that are not neighbours).
bool CrossesItself(const std::vector<Vec2>& ring) {
  const size_t n = ring.size();
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 2; j < n; ++j) {
      if (i == 0 && j == n - 1) continue;
      const Vec2 a = ring[i], b = ring[(i + 1) % n], c = ring[j], d = ring[(j + 1) % n];
      const double o1 = Cross(b - a, c - a), o2 = Cross(b - a, d - a), o3 = Cross(d - c, a - c), o4 = Cross(d - c, b - c);
      if (((o1 > 0) != (o2 > 0)) && ((o3 > 0) != (o4 > 0)) && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0) return true;
    }
  return false;
}

// Every 1.5 cm over the track's bounds: how often OnRoad and the brute force disagree.
struct RoadSurvey {
  long points = 0, on_road = 0, disagree = 0, differ_from_quads = 0;
};
RoadSurvey Survey(const Track& t, double step_m = 0.015) {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const Waypoint& w : t.waypoints())
    for (const Vec2 v : {w.inner, w.outer}) x0 = std::min(x0, v.x), x1 = std::max(x1, v.x), y0 = std::min(y0, v.y), y1 = std::max(y1, v.y);
  RoadSurvey s;
  for (double y = y0 - 0.3; y <= y1 + 0.3; y += step_m)
    for (double x = x0 - 0.3; x <= x1 + 0.3; x += step_m) {
      const Vec2 p{x, y};
      const bool on = t.OnRoad(p);
      ++s.points;
      s.on_road += on;
      s.disagree += on != BruteForceOnRoad(t, p);
      s.differ_from_quads += on != t.OnRoadAsQuads(p);
    }
  return s;
}

TEST(AwkwardTracks, BorderPointsPairedFarAlongTheRoadAreImportedWithTheSameRoad) {
  const TrackDef plain = AwkwardLoopDef();
  const TrackDef skewed = SkewBorders(plain, 6);  // 0.9 m along the road, as Tokyo_Training_track's worst rows
  // The case this is about: rows the first importer refused as "negative width".
  EXPECT_EQ(RowsWithBothBordersOnOneSide(plain), 0);
  EXPECT_GT(RowsWithBothBordersOnOneSide(skewed), 5);
  const auto a = Track::Build(plain);
  const auto b = Track::Build(skewed);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  // The borders are the same rings, so the road is the same, point for point;
  // the quads between rows are not (they twist), so the old reading differed.
  long differ = 0, quads_differ = 0, points = 0;
  for (double y = -1.0; y <= 5.5; y += 0.01)
    for (double x = -2.0; x <= 9.0; x += 0.01) {
      ++points;
      differ += a.value().OnRoad({x, y}) != b.value().OnRoad({x, y});
      quads_differ += b.value().OnRoadAsQuads({x, y}) != b.value().OnRoad({x, y});
    }
  EXPECT_EQ(differ, 0) << "of " << points;
  EXPECT_GT(quads_differ, 100) << "of " << points;
  // Widths are measured across the road, not between a row's paired points.
  for (double s = 0.0; s < a.value().length_m(); s += 0.1) {
    EXPECT_NEAR(b.value().LeftWidthAt(s) + b.value().RightWidthAt(s), a.value().LeftWidthAt(s) + a.value().RightWidthAt(s), 0.02) << s;
  }
}

// What the app draws the road from: spans across it at every row, ending on the
// borders, the same whichever way a file pairs its border points.
// (A hairpin of 0.8 m: in a tighter one the inner border loops back on itself, and
// just beyond it the even-odd rule finds road again.)
TEST(AwkwardTracks, SpansAcrossTheRoadEndOnItsBordersHoweverTheFilePairsThem) {
  const Track plain = Track::Build(AwkwardLoopDef(0.8)).value();
  const Track skewed = Track::Build(SkewBorders(AwkwardLoopDef(0.8), 6)).value();
  int quads_cross_grass = 0;
  for (int i = 0; i < skewed.segment_count(); ++i) {
    const Track::Span a = plain.SpanAt(i), b = skewed.SpanAt(i);
    EXPECT_LT(Distance(a.left, b.left), 0.02) << "row " << i + 1;
    EXPECT_LT(Distance(a.right, b.right), 0.02) << "row " << i + 1;
    // Each end is on a border: road just inside it, grass just beyond.
    for (const auto& [end, other] : {std::pair{b.left, b.right}, std::pair{b.right, b.left}}) {
      const Vec2 in = end + (other - end) * (0.01 / Distance(end, other));
      const Vec2 out = end - (other - end) * (0.01 / Distance(end, other));
      EXPECT_TRUE(skewed.OnRoad(in)) << "row " << i + 1;
      EXPECT_FALSE(skewed.OnRoad(out)) << "row " << i + 1;
    }
    // The file's own pairs do not: the line between them leaves the road.
    const Waypoint& w = skewed.waypoints()[static_cast<size_t>(i)];
    bool leaves = false;
    for (double t = 0.05; t < 1.0; t += 0.05) leaves |= !skewed.OnRoad(Lerp(w.inner, w.outer, t));
    quads_cross_grass += leaves;
  }
  std::printf("[ spans    ] skewed awkward loop: %d of %d rows' border pairs cut across the grass; no span does\n", quads_cross_grass,
              skewed.segment_count());
  EXPECT_GT(quads_cross_grass, 5) << "the skewed file's pairs should cut across the grass at the bends";
}

TEST(AwkwardTracks, OnRoadIsTheAreaBetweenTheBorderRingsOnEveryShape) {
  struct Case {
    const char* what;
    TrackDef def;
  };
  TrackDef swapped = testing::CircleDef(3.0, 1.0, 90, /*clockwise=*/true);
  for (Waypoint& w : swapped.waypoints) std::swap(w.inner, w.outer);  // a file that names the borders the other way
  const std::vector<Case> cases = {
      {"awkward loop", AwkwardLoopDef()},
      {"awkward loop, skewed borders", SkewBorders(AwkwardLoopDef(), 6)},
      {"awkward loop, 0.3 m hairpin, skewed by 3", SkewBorders(AwkwardLoopDef(0.3), 3)},
      {"circle, uneven spacing", testing::CircleDef(4.0, 1.0, 0, false, true)},
      {"clockwise circle, borders named the other way", swapped},
      {"open straight", testing::StraightDef(6.0, 0.8)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto t = Track::Build(c.def);
    ASSERT_TRUE(t.ok()) << t.error().message;
    const RoadSurvey s = Survey(t.value());
    EXPECT_GT(s.on_road, s.points / 20);
    EXPECT_EQ(s.disagree, 0) << "of " << s.points << " points";
    std::printf("[ road     ] %-44s %ld points, %ld on the road, %ld where the quads said otherwise\n", c.what, s.points, s.on_road,
                s.differ_from_quads);
  }
}

TEST(AwkwardTracks, AHairpinTighterThanHalfTheWidthIsImportedAndItsCentreLineIsRoad) {
  const TrackDef def = AwkwardLoopDef(0.35, 1.0);  // the inner border's offset is 0.15 m past the corner's centre
  std::vector<Vec2> inner;
  for (size_t i = 0; i + 1 < def.waypoints.size(); ++i) inner.push_back(def.waypoints[i].inner);
  EXPECT_TRUE(CrossesItself(inner)) << "the test's hairpin should fold its inner border";
  const auto t = Track::Build(def);
  ASSERT_TRUE(t.ok()) << t.error().message;
  const Track& track = t.value();
  EXPECT_NEAR(track.stats().min_radius_m, 0.35, 0.05);
  for (double s = 0.0; s < track.length_m(); s += 0.02) {
    const Vec2 c = track.CenterAt(s);
    ASSERT_TRUE(track.OnRoad(c)) << s;
    // Locate follows the centre line round the hairpin, never jumping to the other leg.
    const double found = track.Locate(c).s_m;
    const double gap = std::fabs(found - s);
    EXPECT_LT(std::min(gap, track.length_m() - gap), 0.03) << s;
  }
}

TEST(AwkwardTracks, ProgressAlongASkewedTrackNeverJumps) {
  const Track t = Track::Build(SkewBorders(AwkwardLoopDef(), 6)).value();
  // Points across the road, every 5 cm along it: where they are on the road, Locate
  // puts them at the arc length of the row they are abreast of.
  int checked = 0;
  for (double s = 0.0; s < t.length_m(); s += 0.05) {
    const Vec2 c = t.CenterAt(s), left = LeftNormal(t.TangentAt(s));
    for (double off : {-0.3, -0.15, 0.15, 0.3}) {
      const Vec2 p = c + left * off;
      if (!t.OnRoad(p)) continue;
      ++checked;
      const TrackPosition pos = t.Locate(p);
      const double gap = std::fabs(pos.s_m - s);
      EXPECT_LT(std::min(gap, t.length_m() - gap), 0.35) << "s " << s << " offset " << off;
      EXPECT_NEAR(pos.offset_m, off, 0.12) << "s " << s << " offset " << off;
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(AwkwardTracks, TheExpertRacesThreeLapsOnThemWithNoResets) {
  for (const auto& [what, def] : std::vector<std::pair<std::string, TrackDef>>{
           {"awkward loop", AwkwardLoopDef()},
           {"awkward loop, skewed borders", SkewBorders(AwkwardLoopDef(), 6)},
           {"awkward loop, 0.35 m hairpin", AwkwardLoopDef(0.35)}}) {
    SCOPED_TRACE(what);
    const Track t = Track::Build(def).value();
    ExpertDriver expert(t, DefaultCarParams());
    RaceRules rules = DefaultRaceRules();
    rules.reset_on_off_track = false;  // any mistake ends the trial
    const TrialResult r = RunTrial(t, rules, expert);
    const Score s = ScoreLaps(r.laps, rules);
    EXPECT_EQ(s.longest_streak, 3);
    std::printf("[ expert   ] %-30s", what.c_str());
    for (const LapResult& lap : r.laps) std::printf(" %s %.3f s", ToString(lap.status), lap.time_ms / 1000.0);
    std::printf("\n");
  }
}

// The expert with its steering spoiled by a seeded, platform-independent noise.
class ShakyExpert : public Policy {
 public:
  ShakyExpert(const Track& t, uint64_t seed) : expert_(t, DefaultCarParams()), state_(seed) {}
  Decision Decide(const Observation& obs) override {
    Decision d = expert_.Decide(obs);
    state_ += 0x9E3779B97F4A7C15ull;  // SplitMix64
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const double u = static_cast<double>(z >> 11) / 9007199254740992.0;  // [0, 1)
    d.action.steering_deg = std::clamp(d.action.steering_deg + 40.0 * (u - 0.5), -30.0, 30.0);
    return d;
  }

 private:
  ExpertDriver expert_;
  uint64_t state_;
};

TEST(AwkwardTracks, TracesOfOlderCoresReplayOnTheRoadTheyWereRacedOn) {
  // Where the quads and the rings disagree, a run raced by core version 2 (quads)
  // can differ from the same actions under version 3; its trace must still
  // replay as it was raced. Find such a run among a few seeds.
  const Track t = Track::Build(SkewBorders(AwkwardLoopDef(), 6)).value();
  const RaceRules rules = DefaultRaceRules();
  TrialConfig v2;
  v2.core_version = 2;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    ShakyExpert policy(t, seed);
    const TrialResult old_run = RunTrial(t, rules, policy, v2);
    ReplayPolicy same_actions(old_run.trace);
    const TrialResult now = RunTrial(t, rules, same_actions);
    bool same_laps = now.laps.size() == old_run.laps.size();
    for (size_t i = 0; same_laps && i < now.laps.size(); ++i)
      same_laps = now.laps[i].time_ms == old_run.laps[i].time_ms && now.laps[i].status == old_run.laps[i].status;
    if (same_laps) continue;
    // The trace as version 2 wrote it: the core version is bytes 5 and 6.
    std::string bytes = EncodeTrace(old_run.trace, ActionSpace{});
    bytes[5] = 2, bytes[6] = 0;
    const auto decoded = DecodeTrace(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value().core_version, 2);
    EXPECT_TRUE(VerifyReplay(t, rules, decoded.value().steps, old_run.laps, ReplayConfig(decoded.value())).matches) << "seed " << seed;
    EXPECT_FALSE(VerifyReplay(t, rules, decoded.value().steps, old_run.laps).matches) << "seed " << seed;
    // A trial follows the road of the version it is given.
    Trial trial2(t, rules, ReplayConfig(decoded.value())), trial3(t, rules);
    long differ = 0;
    for (double y = -1.0; y <= 5.5; y += 0.02)
      for (double x = -2.0; x <= 9.0; x += 0.02) {
        EXPECT_EQ(trial2.OnRoad({x, y}), t.OnRoadAsQuads({x, y}));
        EXPECT_EQ(trial3.OnRoad({x, y}), t.OnRoad({x, y}));
        differ += trial2.OnRoad({x, y}) != trial3.OnRoad({x, y});
      }
    EXPECT_GT(differ, 0);
    return;
  }
  FAIL() << "no seed made the two roads give different runs: the test no longer tests anything";
}

}  // namespace
}  // namespace pw
