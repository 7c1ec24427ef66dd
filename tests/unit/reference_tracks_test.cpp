// The real DeepRacer tracks in ../shared/tracks (never copied into the
// project): the importer and the core are tested against data we did not make.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pitwall/expert.h"
#include "pitwall/scoring.h"
#include "pitwall/track_io.h"
#include "pitwall/trial.h"
#include "race_types_support.h"

namespace pw {
namespace {

namespace fs = std::filesystem;

const fs::path kTracks = fs::path(PITWALL_SHARED_DATA) / "tracks";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct IndexRow {
  std::string id;
  bool closed;
  double length_m;
  std::string direction;
  double min_radius_m;
};

std::vector<IndexRow> ReadIndex() {
  std::vector<IndexRow> rows;
  std::istringstream in(Slurp(kTracks / "index.csv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (cells.size() < 10) continue;
    rows.push_back({cells[0], cells[3] == "True", std::stod(cells[4]), cells[8], cells[9].empty() ? 0.0 : std::stod(cells[9])});
  }
  return rows;
}

class ReferenceTracks : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kTracks / "index.csv"))
      GTEST_SKIP() << "the reference tracks are not here (" << kTracks << "): they live in ../shared/tracks beside the project";
  }
};

TEST_F(ReferenceTracks, EveryFileImportsAndMatchesTheIndex) {
  const auto index = ReadIndex();
  ASSERT_GE(index.size(), 16u);
  for (const IndexRow& row : index) {
    SCOPED_TRACE(row.id);
    const auto npy = ImportTrack(Slurp(kTracks / (row.id + ".npy")), row.id + ".npy");
    ASSERT_TRUE(npy.ok()) << npy.error().message;
    const auto csv = ImportTrack(Slurp(kTracks / (row.id + ".csv")), row.id + ".csv");
    ASSERT_TRUE(csv.ok()) << csv.error().message;
    const Track& t = npy.value();
    EXPECT_EQ(t.closed(), row.closed);
    EXPECT_NEAR(t.length_m(), row.length_m, 0.005 * row.length_m);
    EXPECT_NEAR(csv.value().length_m(), t.length_m(), 1e-6);
    if (row.closed) {
      EXPECT_EQ(t.stats().clockwise, row.direction == "CW");
      // Our curvature is measured over a window of at least 0.25 m; the index's differs in method.
      EXPECT_NEAR(t.stats().min_radius_m, row.min_radius_m, 0.25 * row.min_radius_m);
    }
  }
}

TEST_F(ReferenceTracks, ExpertCompletesThreeConsecutiveLapsOnEveryClosedLoop) {
  for (const IndexRow& row : ReadIndex()) {
    if (!row.closed) continue;
    SCOPED_TRACE(row.id);
    const Track t = ImportTrack(Slurp(kTracks / (row.id + ".npy")), row.id).value();
    ExpertDriver expert(t, DefaultCarParams());
    RaceRules rules = DefaultRaceRules();
    rules.reset_on_off_track = false;  // any mistake would end the trial
    const TrialResult r = RunTrial(t, rules, expert);
    const Score s = ScoreLaps(r.laps, rules);
    EXPECT_EQ(s.longest_streak, 3);
    EXPECT_TRUE(s.qualified);
  }
}

TEST_F(ReferenceTracks, ExpertAvoidsThreeRandomBoxesAndOvertakesThreeBotsOnEveryClosedLoop) {
  for (const IndexRow& row : ReadIndex()) {
    if (!row.closed) continue;
    const Track t = ImportTrack(Slurp(kTracks / (row.id + ".npy")), row.id).value();
    for (const RaceRules& rules : testing::CompetentExpertRaces()) {
      SCOPED_TRACE(row.id + " " + testing::Describe(rules));
      const testing::ExpertRun run = testing::RunExpert(t, rules);
      std::printf("[ expert   ] %-20s %s\n", row.id.c_str(), run.summary.c_str());
      EXPECT_EQ(run.crashes, 0);
      EXPECT_EQ(run.off_track, 0);
      EXPECT_EQ(run.score.longest_streak, 3);
    }
  }
}

TEST_F(ReferenceTracks, RaysAndProgressStayConsistentOnSkewedRealData) {
  // AWS_track pairs border points up to a metre along the road from the centre point.
  const Track t = ImportTrack(Slurp(kTracks / "AWS_track.npy"), "AWS_track.npy").value();
  for (double s = 0.0; s < t.length_m(); s += 0.25) {
    const Vec2 c = t.CenterAt(s);
    const TrackPosition p = t.Locate(c);
    EXPECT_NEAR(p.s_m, s, 0.05) << s;
    EXPECT_TRUE(t.OnRoad(c)) << s;
    EXPECT_GT(t.LeftWidthAt(s), 0.2) << s;
    EXPECT_LT(t.LeftWidthAt(s) + t.RightWidthAt(s), 1.3) << s;
  }
}

}  // namespace
}  // namespace pw
