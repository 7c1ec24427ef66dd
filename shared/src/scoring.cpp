#include "pitwall/scoring.h"

#include <algorithm>
#include <map>

namespace pw {

Score ScoreLaps(const std::vector<LapResult>& laps, const RaceRules& rules) {
  Score s;
  const int window = std::max(1, rules.min_laps);
  int streak = 0;
  for (size_t i = 0; i < laps.size(); ++i) {
    const LapResult& lap = laps[i];
    s.total_ms += lap.time_ms;
    s.off_track_count += lap.off_track_count;
    s.crash_count += lap.crash_count;
    s.resets += lap.resets;
    if (lap.status != LapStatus::kComplete) {
      streak = 0;
      continue;
    }
    ++s.complete_laps;
    streak += 1;
    s.longest_streak = std::max(s.longest_streak, streak);
    if (s.best_lap_ms == 0 || lap.time_ms < s.best_lap_ms) s.best_lap_ms = lap.time_ms;
    if (streak >= window) {
      int64_t sum = 0;
      for (size_t j = i + 1 - static_cast<size_t>(window); j <= i; ++j) sum += laps[j].time_ms;
      const int64_t mean = (sum + window / 2) / window;  // integer ms, rounded half up
      if (s.best_average_ms == 0 || mean < s.best_average_ms) s.best_average_ms = mean;
    }
  }
  s.qualified = s.longest_streak >= rules.min_laps;
  if (rules.timing == TimingMethod::kTotalTime) s.qualified = s.qualified && s.complete_laps == static_cast<int>(laps.size());
  switch (rules.timing) {
    case TimingMethod::kBestLap: s.ranking_ms = s.best_lap_ms; break;
    case TimingMethod::kAverageLap: s.ranking_ms = s.best_average_ms; break;
    case TimingMethod::kTotalTime: s.ranking_ms = s.total_ms; break;
  }
  if (!s.qualified) s.ranking_ms = 0;
  return s;
}

std::vector<LeaderboardRow> RankSubmissions(const std::vector<RankInput>& submissions) {
  auto better = [](const RankInput& a, const RankInput& b) {
    if (a.score.ranking_ms != b.score.ranking_ms) return a.score.ranking_ms < b.score.ranking_ms;
    return a.submission_id < b.submission_id;
  };
  std::map<int64_t, RankInput> best;  // ordered by racer: deterministic
  for (const RankInput& in : submissions) {
    if (!in.score.qualified) continue;
    auto it = best.find(in.racer_id);
    if (it == best.end()) best.emplace(in.racer_id, in);
    else if (better(in, it->second)) it->second = in;
  }
  std::vector<RankInput> entries;
  for (const auto& [racer, in] : best) entries.push_back(in);
  std::sort(entries.begin(), entries.end(), better);
  std::vector<LeaderboardRow> rows;
  for (size_t i = 0; i < entries.size(); ++i) {
    LeaderboardRow row;
    row.rank = static_cast<int>(i) + 1;
    row.racer_id = entries[i].racer_id;
    row.submission_id = entries[i].submission_id;
    row.score = entries[i].score;
    row.gap_ms = entries[i].score.ranking_ms - entries[0].score.ranking_ms;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace pw
