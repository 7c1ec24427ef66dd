#include "pitwall/track_library.h"

#include <gtest/gtest.h>

#include "pitwall/track_io.h"

namespace pw {
namespace {

TEST(BuiltinTracks, ThreeOriginalLayoutsWithinTheDesignBrief) {
  const auto ids = BuiltinTrackIds();
  ASSERT_GE(ids.size(), 3u);
  bool any_clockwise = false, any_hairpin = false;
  for (const std::string& id : ids) {
    const auto r = BuiltinTrack(id);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
    const Track& t = r.value();
    EXPECT_TRUE(t.closed()) << id;
    EXPECT_GE(t.length_m(), 15.0) << id;
    EXPECT_LE(t.length_m(), 60.0) << id;
    EXPECT_GE(t.stats().mean_width_m, 0.75) << id;
    EXPECT_LE(t.stats().mean_width_m, 1.1) << id;
    EXPECT_FALSE(t.name().empty());
    any_clockwise = any_clockwise || t.stats().clockwise;
    any_hairpin = any_hairpin || t.stats().min_radius_m < 0.6;
  }
  EXPECT_TRUE(any_clockwise) << "at least one built-in track must run clockwise";
  EXPECT_TRUE(any_hairpin) << "at least one built-in track needs a hairpin under 0.6 m radius";
}

TEST(BuiltinTracks, UnknownIdListsTheKnownOnes) {
  const auto r = BuiltinTrack("monza");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "no built-in track 'monza' (built-in tracks: pitwall_park, harbour_hairpin, quarry_sprint)");
}

TEST(BuiltinTracks, SurviveTheirOwnFileFormat) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    const auto back = ImportTrack(WritePitwallTrack(t), id + ".json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back.value().length_m(), t.length_m());
  }
}

TEST(DesignTrack, RejectsLayoutsThatDoNotClose) {
  using K = TrackPiece::Kind;
  const std::vector<TrackPiece> three_quarters = {{K::kClosingStraight}, {K::kArc, 0, 2.0, 90}, {K::kClosingStraight},
                                                  {K::kArc, 0, 2.0, 180}};
  EXPECT_EQ(DesignTrack("x", "X", three_quarters, 1.0).error().message, "x: the pieces turn through 270.000000 degrees, not 360");
  const std::vector<TrackPiece> parallel = {{K::kClosingStraight}, {K::kArc, 0, 2.0, 180}, {K::kClosingStraight},
                                            {K::kArc, 0, 2.0, 180}};
  EXPECT_EQ(DesignTrack("x", "X", parallel, 1.0).error().message, "x: the closing straights are parallel");
}

}  // namespace
}  // namespace pw
