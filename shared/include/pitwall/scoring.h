// From laps to a ranking time, and from results to a leaderboard.
#pragma once

#include <cstdint>
#include <vector>

#include "pitwall/rules.h"
#include "pitwall/trial.h"

namespace pw {

/// A trial's laps, scored under a race's timing method.
struct Score {
  bool qualified = false;         ///< longest_streak >= min_laps
  int64_t ranking_ms = 0;         ///< the time that ranks (valid when qualified)
  int64_t best_lap_ms = 0;        ///< fastest complete lap (0 if none)
  int64_t best_average_ms = 0;    ///< lowest mean over min_laps consecutive complete laps (0 if none)
  int64_t total_ms = 0;           ///< sum of all laps run
  int complete_laps = 0;
  int longest_streak = 0;         ///< longest run of consecutive complete laps
  int off_track_count = 0;
  int crash_count = 0;
  int resets = 0;
};

Score ScoreLaps(const std::vector<LapResult>& laps, const RaceRules& rules);

/// One scored submission, as the leaderboard sees it.
struct RankInput {
  int64_t racer_id = 0;
  int64_t submission_id = 0;      ///< increases with submission time: earlier wins ties
  Score score;
};

struct LeaderboardRow {
  int rank = 0;                   ///< 1-based; equal times share no rank (earlier submission first)
  int64_t racer_id = 0;
  int64_t submission_id = 0;
  Score score;
  int64_t gap_ms = 0;             ///< to the leader
};

/// One row per racer (their best qualifying submission), ascending ranking
/// time, ties to the earlier submission. Unqualified submissions are not ranked.
std::vector<LeaderboardRow> RankSubmissions(const std::vector<RankInput>& submissions);

}  // namespace pw
