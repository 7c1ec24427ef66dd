#include "pitwall/scoring.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

LapResult Lap(int64_t ms, LapStatus status = LapStatus::kComplete, int off = 0) {
  LapResult l;
  l.time_ms = ms;
  l.status = status;
  l.off_track_count = off;
  l.progress_pct = status == LapStatus::kComplete ? 100.0 : 40.0;
  return l;
}

RaceRules Timing(TimingMethod m, int laps, int min_laps) {
  RaceRules r;
  r.timing = m;
  r.laps = laps;
  r.min_laps = min_laps;
  return r;
}

TEST(Scoring, BestLapIsTheFastestCompleteLap) {
  const Score s = ScoreLaps({Lap(9000), Lap(8500), Lap(3000, LapStatus::kOffTrack, 1), Lap(8700)},
                            Timing(TimingMethod::kBestLap, 4, 1));
  EXPECT_TRUE(s.qualified);
  EXPECT_EQ(s.ranking_ms, 8500);
  EXPECT_EQ(s.best_lap_ms, 8500);
  EXPECT_EQ(s.complete_laps, 3);
  EXPECT_EQ(s.longest_streak, 2);
  EXPECT_EQ(s.off_track_count, 1);
  EXPECT_EQ(s.total_ms, 29200);
}

TEST(Scoring, AverageIsTheLowestMeanOverConsecutiveCompleteLaps) {
  // Windows of 2: (9000, 8000) = 8500, (8000, 8001) = 8000.5 -> 8001 (half up); broken by the off-track lap.
  const Score s = ScoreLaps({Lap(9000), Lap(8000), Lap(8001), Lap(100, LapStatus::kOffTrack), Lap(7000)},
                            Timing(TimingMethod::kAverageLap, 5, 2));
  EXPECT_TRUE(s.qualified);
  EXPECT_EQ(s.best_average_ms, 8001);
  EXPECT_EQ(s.ranking_ms, 8001);
  EXPECT_EQ(s.best_lap_ms, 7000);
}

TEST(Scoring, NotQualifiedWithoutEnoughConsecutiveLaps) {
  const Score s = ScoreLaps({Lap(9000), Lap(100, LapStatus::kOffTrack), Lap(8000), Lap(100, LapStatus::kReversed), Lap(7000)},
                            Timing(TimingMethod::kBestLap, 5, 2));
  EXPECT_FALSE(s.qualified);
  EXPECT_EQ(s.longest_streak, 1);
  EXPECT_EQ(s.ranking_ms, 0);
  EXPECT_EQ(s.best_lap_ms, 7000);  // still reported
}

TEST(Scoring, TotalTimeNeedsEveryLap) {
  EXPECT_EQ(ScoreLaps({Lap(9000), Lap(8000), Lap(8500)}, Timing(TimingMethod::kTotalTime, 3, 3)).ranking_ms, 25500);
  EXPECT_FALSE(ScoreLaps({Lap(9000), Lap(8000), Lap(50, LapStatus::kTimeUp)}, Timing(TimingMethod::kTotalTime, 3, 3)).qualified);
}

RankInput Entry(int64_t racer, int64_t submission, int64_t ms, bool qualified = true) {
  RankInput in;
  in.racer_id = racer;
  in.submission_id = submission;
  in.score.qualified = qualified;
  in.score.ranking_ms = ms;
  return in;
}

TEST(Ranking, OneEntryPerRacerTheirBest) {
  const auto rows = RankSubmissions({Entry(1, 1, 9000), Entry(2, 2, 8000), Entry(1, 3, 7500), Entry(2, 4, 8200),
                                     Entry(3, 5, 100, /*qualified=*/false)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].racer_id, 1);
  EXPECT_EQ(rows[0].submission_id, 3);  // the later, faster one replaced the first
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_EQ(rows[0].gap_ms, 0);
  EXPECT_EQ(rows[1].racer_id, 2);
  EXPECT_EQ(rows[1].submission_id, 2);  // the slower later one did not
  EXPECT_EQ(rows[1].gap_ms, 500);
  EXPECT_EQ(rows[1].rank, 2);
}

TEST(Ranking, TiesGoToTheEarlierSubmission) {
  const auto rows = RankSubmissions({Entry(7, 20, 8000), Entry(5, 10, 8000), Entry(6, 30, 8000)});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].racer_id, 5);
  EXPECT_EQ(rows[1].racer_id, 7);
  EXPECT_EQ(rows[2].racer_id, 6);
  EXPECT_EQ(rows[2].gap_ms, 0);
  // And a racer's own tie keeps their earlier submission.
  const auto own = RankSubmissions({Entry(1, 4, 8000), Entry(1, 2, 8000)});
  EXPECT_EQ(own[0].submission_id, 2);
}

TEST(RaceRulesValidation, EachBadFieldIsNamed) {
  RaceRules r;
  EXPECT_TRUE(ValidateRules(r).empty());
  r.laps = 0;
  r.off_track_penalty_ms = 20000;
  auto errors = ValidateRules(r);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "laps");
  EXPECT_EQ(errors[1].field, "off_track_penalty_ms");
  r = RaceRules{};
  r.min_laps = 5;
  r.laps = 3;
  errors = ValidateRules(r);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "cannot be more than laps");
  r = RaceRules{};
  r.timing = TimingMethod::kTotalTime;
  r.laps = 5;
  r.min_laps = 3;
  EXPECT_EQ(ValidateRules(r).at(0).message, "TOTAL_TIME races need min_laps equal to laps");
}

TEST(RaceRulesValidation, NamesRoundTrip) {
  TimingMethod m;
  ASSERT_TRUE(ParseTimingMethod("AVG_LAP_TIME", m));
  EXPECT_EQ(m, TimingMethod::kAverageLap);
  EXPECT_FALSE(ParseTimingMethod("FASTEST", m));
  LapMode mode;
  ASSERT_TRUE(ParseLapMode("STANDING_START", mode));
  EXPECT_EQ(mode, LapMode::kStandingStart);
}

}  // namespace
}  // namespace pw
