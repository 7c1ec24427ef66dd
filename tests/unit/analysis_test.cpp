// Run analysis: the rows of a re-simulated run, sector times and the delta
// along the lap, the track's own sectors, the figures of one run, and
// DeepRacer's simtrace CSV read back.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

#include "pitwall/analysis.h"
#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"
#include "test_support.h"

namespace pw {
namespace {

Track Park() { return BuiltinTrack("pitwall_park").value(); }

/// The expert, pushed off the road once in every lap's second half (steering hard left for a while).
class Clumsy : public Policy {
 public:
  Clumsy(const Track& t, double pace) : expert_(t, DefaultCarParams(), {.pace = pace}) {}
  Decision Decide(const Observation& obs) override {
    Decision d = expert_.Decide(obs);
    if (++n_ % 300 > 240 && n_ % 300 < 262) d.action.steering_deg = 30.0f;
    return d;
  }

 private:
  ExpertDriver expert_;
  int n_ = 0;
};

TrialResult Drive(const Track& t, const RaceRules& rules, Policy& p) { return RunTrial(t, rules, p); }

TEST(AnalyseRun, IsTheRunRowByRowWithEachLapTimedToTheMillisecond) {
  const Track t = Park();
  const RaceRules rules = DefaultRaceRules();
  Clumsy clumsy(t, 0.8);
  const TrialResult run = Drive(t, rules, clumsy);
  ASSERT_EQ(run.laps.size(), 3u);
  int off = 0;
  for (const LapResult& l : run.laps) off += l.off_track_count;
  ASSERT_GT(off, 0) << "the test means a run that left the track";

  const RunAnalysis a = AnalyseRun(t, rules, run.trace);
  EXPECT_EQ(a.result.fingerprint, run.fingerprint);
  EXPECT_NEAR(a.lap_length_m, t.length_m(), 1e-9);
  for (int lap = 1; lap <= 3; ++lap) {
    const auto rows = a.lap_steps(lap);
    ASSERT_GT(rows.size(), 20u);
    EXPECT_EQ(rows.front()->status, StepStatus::kPrepare);
    EXPECT_EQ(rows.front()->step, 0);
    EXPECT_EQ(rows.front()->lap_ms, 0) << "a lap opens where the last one crossed the line";
    EXPECT_EQ(rows.front()->trial_ms, rows.front() == &a.steps.front() ? 0 : (rows.front() - 1)->trial_ms);
    EXPECT_EQ(rows.back()->status, StepStatus::kLapComplete);
    EXPECT_EQ(rows.back()->lap_ms, run.laps[static_cast<size_t>(lap - 1)].time_ms);
    EXPECT_DOUBLE_EQ(rows.back()->distance_m, a.lap_length_m);
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_GE(rows[i]->trial_ms, rows[i - 1]->trial_ms);
      EXPECT_EQ(rows[i]->step, static_cast<int64_t>(i));
    }
  }
  // Leaving the track shows: an off-track row, then held rows whose pause grows.
  int off_rows = 0, held_rows = 0;
  double longest_pause = 0;
  for (const RunStep& r : a.steps) {
    off_rows += r.status == StepStatus::kOffTrack;
    held_rows += r.held;
    longest_pause = std::max(longest_pause, r.pause_s);
  }
  EXPECT_EQ(off_rows, off);
  EXPECT_EQ(held_rows, off * 30) << "2 s held per off-track at 15 steps a second";
  EXPECT_NEAR(longest_pause, 2.0, 1e-9);
  EXPECT_EQ(a.best_lap(), 1 + static_cast<int>(std::min_element(run.laps.begin(), run.laps.end(),
                                                                 [](const LapResult& x, const LapResult& y) { return x.time_ms < y.time_ms; }) -
                                                run.laps.begin()));
}

TEST(AnalyseRun, StandingStartLapsEachOpenAtTheLine) {
  const Track t = Park();
  RaceRules rules = DefaultRaceRules();
  rules.lap_mode = LapMode::kStandingStart;
  ExpertDriver expert(t, DefaultCarParams());
  const TrialResult run = Drive(t, rules, expert);
  const RunAnalysis a = AnalyseRun(t, rules, run.trace);
  for (int lap = 1; lap <= 3; ++lap) {
    const auto rows = a.lap_steps(lap);
    EXPECT_EQ(rows.front()->lap_ms, 0);
    EXPECT_NEAR(rows.front()->progress_pct, 0.0, 0.5);
    EXPECT_EQ(rows.back()->lap_ms, run.laps[static_cast<size_t>(lap - 1)].time_ms);
  }
}

TEST(TimesAtDistances, RiseAlongTheLapToTheLapTime) {
  const Track t = Park();
  const RaceRules rules = DefaultRaceRules();
  Clumsy clumsy(t, 0.8);
  const RunAnalysis a = AnalyseRun(t, rules, Drive(t, rules, clumsy).trace);
  std::vector<double> at;
  for (double d = 0; d <= a.lap_length_m; d += 0.5) at.push_back(d);
  at.push_back(a.lap_length_m);
  const auto times = TimesAtDistances(a, 2, at);
  EXPECT_EQ(times.front(), 0.0);
  EXPECT_DOUBLE_EQ(times.back(), static_cast<double>(a.result.laps[1].time_ms));
  for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i], times[i - 1]) << "at " << at[i] << " m";
  // Leaving the track costs the held time where it happened: one step of distance there takes over 2 s.
  double biggest = 0;
  for (size_t i = 1; i < times.size(); ++i) biggest = std::max(biggest, times[i] - times[i - 1]);
  EXPECT_GT(biggest, 2000.0);
}

TEST(CompareLaps, SectorDeltasAddUpToTheLapDeltaAndARunEqualsItself) {
  const Track t = Park();
  const RaceRules rules = DefaultRaceRules();
  ExpertDriver fast(t, DefaultCarParams());
  ExpertDriver slow(t, DefaultCarParams(), {.pace = 0.7});
  const RunAnalysis a = AnalyseRun(t, rules, Drive(t, rules, slow).trace);
  const RunAnalysis b = AnalyseRun(t, rules, Drive(t, rules, fast).trace);
  const auto sectors = CornerSectors(t);
  const LapComparison c = CompareLaps(a, a.best_lap(), b, b.best_lap(), sectors);
  ASSERT_EQ(c.sector_delta_ms.size(), sectors.size());
  EXPECT_NEAR(std::accumulate(c.sector_a_ms.begin(), c.sector_a_ms.end(), 0.0), c.lap_a_ms, 1e-6);
  EXPECT_NEAR(std::accumulate(c.sector_b_ms.begin(), c.sector_b_ms.end(), 0.0), c.lap_b_ms, 1e-6);
  EXPECT_NEAR(std::accumulate(c.sector_delta_ms.begin(), c.sector_delta_ms.end(), 0.0), c.lap_a_ms - c.lap_b_ms, 1e-6);
  EXPECT_GT(c.lap_a_ms, c.lap_b_ms) << "the slower expert is slower";
  for (double d : c.sector_delta_ms) EXPECT_GT(d, 0.0) << "and loses time in every sector";
  EXPECT_NEAR(c.delta_ms.back(), c.lap_a_ms - c.lap_b_ms, 1e-6);
  ASSERT_EQ(c.speed_a.size(), c.at_m.size());
  double mean_a = 0, mean_b = 0;
  for (size_t i = 0; i < c.at_m.size(); ++i) {
    mean_a += c.speed_a[i];
    mean_b += c.speed_b[i];
  }
  EXPECT_LT(mean_a, mean_b);

  const LapComparison same = CompareLaps(b, 2, b, 2, EqualSectors(b.lap_length_m, 4));
  for (double d : same.sector_delta_ms) EXPECT_EQ(d, 0.0);
  for (double d : same.delta_ms) EXPECT_EQ(d, 0.0);
}

TEST(Sectors, EqualOnesSplitTheLapAndCornersMakeTheTracksOwn) {
  EXPECT_EQ(EqualSectors(30.0, 3), (std::vector<double>{0.0, 10.0, 20.0}));
  for (const auto& id : {"pitwall_park", "harbour_hairpin"}) {
    const Track t = BuiltinTrack(id).value();
    const auto s = CornerSectors(t);
    EXPECT_GE(s.size(), 2u) << id;
    EXPECT_LE(s.size(), 8u) << id;
    EXPECT_EQ(s.front(), 0.0);
    for (size_t i = 1; i < s.size(); ++i) {
      EXPECT_GT(s[i], s[i - 1] + 1.0) << id;
      // A boundary lies on a straight, not in a corner.
      EXPECT_LT(std::fabs(t.CurvatureAt(s[i])), 0.3) << id << " at " << s[i] << " m";
    }
    EXPECT_LT(s.back(), t.length_m() - 1.0);
  }
  // A circle is one endless corner: three equal sectors.
  const Track circle = Track::Build(testing::CircleDef(2.0, 0.8, 120)).value();
  EXPECT_EQ(CornerSectors(circle).size(), 3u);
}

TEST(SummariseRun, CountsEveryDecisionAndFindsWhereTheCarLeftTheTrack) {
  const Track t = Park();
  const RaceRules rules = DefaultRaceRules();
  Clumsy clumsy(t, 0.8);
  const RunAnalysis a = AnalyseRun(t, rules, Drive(t, rules, clumsy).trace);
  const RunFigures f = SummariseRun(a);
  int decisions = 0;
  for (const RunStep& r : a.steps) decisions += !r.held && r.status != StepStatus::kPrepare;
  EXPECT_EQ(std::accumulate(f.steering_deg.counts.begin(), f.steering_deg.counts.end(), 0), decisions);
  EXPECT_EQ(std::accumulate(f.speed_mps.counts.begin(), f.speed_mps.counts.end(), 0), decisions);
  EXPECT_GT(f.steering_deg.counts.back(), 0) << "the hard left turns are in the last bin";
  EXPECT_TRUE(f.action_counts.empty()) << "a continuous policy chose no discrete action";
  ASSERT_FALSE(f.off_track.empty());
  for (const RunStep* r : f.off_track) EXPECT_FALSE(t.OnRoad({r->x, r->y}) && r->all_wheels_on_track);
}

/// The CSV's rows as maps by column name (quoted fields kept whole).
std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream h(line);
  for (std::string n; std::getline(h, n, ',');) names.push_back(n);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    size_t col = 0;
    std::string field;
    bool quoted = false;
    for (char c : line + ",") {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) {
        row[names.at(col++)] = field;
        field.clear();
      } else field += c;
    }
    EXPECT_EQ(col, names.size());
    rows.push_back(row);
  }
  return rows;
}

TEST(SimtraceCsv, HasDeepRacersColumnsAndItsLapTimesAreTheRunsLaps) {
  const Track t = Park();
  const RaceRules rules = DefaultRaceRules();
  Clumsy clumsy(t, 0.8);
  const RunAnalysis a = AnalyseRun(t, rules, Drive(t, rules, clumsy).trace);
  const std::string csv = SimtraceCsv(a);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), kSimtraceHeader);
  const auto rows = ReadCsv(csv);
  ASSERT_EQ(rows.size(), a.steps.size());
  std::map<int, double> start, finish;
  for (const auto& r : rows) {
    const int episode = std::stoi(r.at("episode"));
    if (r.at("episode_status") == "prepare") start[episode] = std::stod(r.at("tstamp"));
    if (r.at("episode_status") == "lap_complete") finish[episode] = std::stod(r.at("tstamp"));
    EXPECT_TRUE(r.at("action").empty() || r.at("action")[0] == '[' || r.at("action") == "-1") << r.at("action");
  }
  ASSERT_EQ(finish.size(), a.result.laps.size());
  for (const auto& [episode, end] : finish)
    EXPECT_EQ(std::llround((end - start.at(episode)) * 1000.0), a.result.laps[static_cast<size_t>(episode)].time_ms) << "lap " << episode + 1;
  EXPECT_EQ(rows.back().at("done"), "True");
  EXPECT_EQ(rows.front().at("done"), "False");
}

}  // namespace
}  // namespace pw
