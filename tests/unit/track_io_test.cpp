#include "pitwall/track_io.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"

namespace pw {
namespace {

using testing::CircleDef;
using testing::CsvBytes;
using testing::Flatten;
using testing::NpyBytes;

std::string GoodNpy() {
  const TrackDef def = CircleDef(3.0, 1.0, 40);
  return NpyBytes(Flatten(def), "(" + std::to_string(def.waypoints.size()) + ", 6)");
}

std::string ErrorOf(std::string_view bytes, const std::string& name) {
  const auto r = ImportTrack(bytes, name);
  return r.ok() ? std::string("(loaded)") : r.error().message;
}

TEST(TrackImport, NpyRoundTripAndLoopDetection) {
  const auto r = ImportTrack(GoodNpy(), "tracks/my_loop.npy");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().id(), "my_loop");
  EXPECT_TRUE(r.value().closed());
  EXPECT_EQ(r.value().waypoints().size(), 40u);  // the repeated closing row is dropped
  EXPECT_NEAR(r.value().length_m(), kTwoPi * 3.0, 0.05);
}

TEST(TrackImport, NpyWrongMagic) {
  std::string bytes = GoodNpy();
  bytes[1] = 'X';
  EXPECT_EQ(ParseNpyTrack(bytes, "t.npy").error().message, "t.npy: not a NumPy .npy file (the magic string \\x93NUMPY is missing)");
}

// Found by tests/fuzz: a header that ends right after a key, and shapes with
// more digits than any number, threw out of the parser.
TEST(TrackImport, NpyHeaderCutAfterAKeyOrAbsurdShapeIsAnError) {
  const std::string cut = std::string("\x93NUMPY\x01\x00", 8) + std::string("\x08\x00", 2) + "{'descr':";
  const auto r = ImportTrack(cut, "t.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "t.npy: NumPy header has no 'descr'");
  const auto absurd = ImportTrack(NpyBytes({}, "(99999999999999999999999, 6)"), "t.npy");
  ASSERT_FALSE(absurd.ok());
  EXPECT_NE(absurd.error().message.find("absurd dimension"), std::string::npos) << absurd.error().message;
}

TEST(TrackImport, PitwallJsonWithAWronglyTypedFormatIsAnError) {
  const auto r = ImportTrack(R"({"format": true, "version": 1, "waypoints": []})", "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a Pitwall track"), std::string::npos) << r.error().message;
}

TEST(TrackImport, NpyWrongDtype) {
  const TrackDef def = CircleDef(3.0, 1.0, 10);
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(11, 6)", "<f4"), "t.npy"),
            "t.npy: dtype is '<f4', expected '<f8' (little-endian float64)");
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(11, 6)", ">f8"), "t.npy"),
            "t.npy: dtype is '>f8', expected '<f8' (little-endian float64)");
}

TEST(TrackImport, NpyWrongShape) {
  const TrackDef def = CircleDef(3.0, 1.0, 10);
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(66,)"), "t.npy"),
            "t.npy: shape is (66,), expected (N, 6): centre, inner and outer x,y per row");
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(6, 11)"), "t.npy"),
            "t.npy: shape is (6, 11), expected (N, 6): centre, inner and outer x,y per row");
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(11, 6)", "<f8", "True"), "t.npy"),
            "t.npy: array is in Fortran order; C order expected");
}

TEST(TrackImport, NpyTruncatedOrPadded) {
  std::string bytes = GoodNpy();
  EXPECT_NE(ErrorOf(bytes.substr(0, bytes.size() - 5), "t.npy").find("t.npy: truncated: the header promises 41 rows"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(bytes + "xyz", "t.npy"), "t.npy: has 3 bytes after the array's data");
  EXPECT_EQ(ErrorOf(bytes.substr(0, 9), "t.npy"), "t.npy: not a NumPy .npy file (the magic string \\x93NUMPY is missing)");
}

TEST(TrackImport, NpyNanNamesFileAndRow) {
  TrackDef def = CircleDef(3.0, 1.0, 20);
  def.waypoints[4].center.x = NAN;
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(21, 6)"), "bad.npy"), "bad.npy: row 5: a coordinate is NaN or infinite");
}

TEST(TrackImport, NpyTooFewPoints) {
  TrackDef def = CircleDef(3.0, 1.0, 20);
  def.waypoints.resize(3);
  EXPECT_EQ(ErrorOf(NpyBytes(Flatten(def), "(3, 6)"), "tiny.npy"), "tiny.npy: a track needs at least 4 waypoints, found 3");
}

TEST(TrackImport, CsvGivesTheSameTrackAsNpy) {
  const TrackDef def = CircleDef(3.0, 1.0, 40);
  const auto from_csv = ImportTrack(CsvBytes(def), "loop.csv");
  const auto from_npy = ImportTrack(NpyBytes(Flatten(def), "(41, 6)"), "loop.npy");
  ASSERT_TRUE(from_csv.ok()) << from_csv.error().message;
  ASSERT_TRUE(from_npy.ok());
  ASSERT_EQ(from_csv.value().waypoints().size(), from_npy.value().waypoints().size());
  for (size_t i = 0; i < from_csv.value().waypoints().size(); ++i)
    EXPECT_EQ(from_csv.value().waypoints()[i].outer, from_npy.value().waypoints()[i].outer);
}

TEST(TrackImport, CsvWithWindowsLineEndsAndSpaces) {
  std::string csv = CsvBytes(CircleDef(3.0, 1.0, 12));
  std::string crlf;
  for (char c : csv) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  crlf.replace(0, 8, "center_x ");
  EXPECT_TRUE(ImportTrack(" " + crlf, "win.csv").ok()) << ErrorOf(crlf, "win.csv");
}

TEST(TrackImport, CsvBadHeader) {
  EXPECT_EQ(ErrorOf("x,y,ix,iy,ox,oy\n1,2,3,4,5,6\n", "t.csv"),
            "t.csv: line 1: bad header 'x,y,ix,iy,ox,oy', expected center_x,center_y,inner_x,inner_y,outer_x,outer_y");
  EXPECT_EQ(ErrorOf("", "empty.csv"), "empty.csv: empty file: expected the header center_x,center_y,inner_x,inner_y,outer_x,outer_y");
}

TEST(TrackImport, CsvBadValueNamesRowAndLine) {
  std::string csv = CsvBytes(CircleDef(3.0, 1.0, 12));
  const size_t line3 = csv.find('\n', csv.find('\n', csv.find('\n') + 1) + 1) + 1;  // start of line 4 (row 3)
  csv.insert(line3, "1.0,abc,0,0,0,0\n");
  EXPECT_EQ(ErrorOf(csv, "t.csv"), "t.csv: row 3 (line 4): center_y 'abc' is not a number");
  EXPECT_EQ(ErrorOf("center_x,center_y,inner_x,inner_y,outer_x,outer_y\n1,2,3\n", "t.csv"),
            "t.csv: row 1 (line 2): expected 6 values, found 3");
}

TEST(TrackImport, PitwallFormatRoundTrip) {
  const Track original = Track::Build(CircleDef(3.0, 1.0, 40)).value();
  const std::string json = WritePitwallTrack(original);
  const auto back = ImportTrack(json, "whatever.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value().id(), "circle");
  EXPECT_EQ(back.value().name(), "Circle");
  ASSERT_EQ(back.value().waypoints().size(), original.waypoints().size());
  for (size_t i = 0; i < original.waypoints().size(); ++i) {
    EXPECT_EQ(back.value().waypoints()[i].center, original.waypoints()[i].center);  // exact: shortest round-trip digits
    EXPECT_EQ(back.value().waypoints()[i].inner, original.waypoints()[i].inner);
  }
  EXPECT_EQ(back.value().length_m(), original.length_m());
}

TEST(TrackImport, PitwallFormatVersionAndShapeErrors) {
  EXPECT_EQ(ErrorOf(R"({"format":"pitwall-track","version":2,"waypoints":[]})", "t.json"),
            "t.json: pitwall-track version 2 is not supported (this Pitwall reads version 1)");
  EXPECT_EQ(ErrorOf(R"({"version":1,"waypoints":[]})", "t.json"), "t.json: not a Pitwall track (\"format\": \"pitwall-track\" is missing)");
  EXPECT_EQ(ErrorOf(R"({"format":"pitwall-track","version":1,"waypoints":[[1,2,3]]})", "t.json"),
            "t.json: row 1: expected [center_x, center_y, inner_x, inner_y, outer_x, outer_y]");
  EXPECT_EQ(ErrorOf(R"({"format":"pitwall-track","version":1,"waypoints":[[1,2,3,4,5,"x"]]})", "t.json"),
            "t.json: row 1: value 6 is not a number");
  EXPECT_EQ(ErrorOf("{ not json", "t.json"), "t.json: not valid JSON");
}

TEST(TrackImport, FormatDetection) {
  EXPECT_EQ(DetectTrackFormat(GoodNpy()), TrackFileFormat::kNpy);
  EXPECT_EQ(DetectTrackFormat("  {\"format\":1}"), TrackFileFormat::kPitwallJson);
  EXPECT_EQ(DetectTrackFormat("center_x,..."), TrackFileFormat::kCsv);
}

}  // namespace
}  // namespace pw
