// The one JSON form of the values a trial is made of and gives back: race
// rules, lap results and the leaderboard's rows. The server's API, the evaluation workers' protocol,
// the command line and the browser app all read and write them through here,
// so a field is named once.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pitwall/result.h"
#include "pitwall/rules.h"
#include "pitwall/trial.h"

namespace pw {

/// {"laps", "min_laps", "lap_mode", "timing_method", "reset_on_off_track", "off_track_penalty_ms",
///  "immobilised_penalty_ms", "trial_time_limit_ms", "lap_time_limit_ms", "max_steps_per_episode",
///  "race_type", "collision_penalty_ms", "course_seed"; OBJECT_AVOIDANCE adds "obstacle_count",
///  "random_obstacles" and (fixed placement) "obstacles": [{"progress_pct", "lane"}]; HEAD_TO_BOT adds
///  "bots": [{"speed_mps", "lane", "lane_changes", "lane_change_interval_s"}]}
nlohmann::json RulesToJson(const RaceRules& rules);
/// The reverse; fields left out keep their defaults. Refuses wrong types, unknown
/// names and rules outside their ranges (ValidateRules), saying which.
Result<RaceRules> RulesFromJson(const nlohmann::json& j);

/// An OBJECT_AVOIDANCE race's fixed boxes, [{"progress_pct", "lane"}], and a HEAD_TO_BOT race's bots,
/// [{"speed_mps", "lane", "lane_changes", "lane_change_interval_s"}] (fields left out keep BotCar's
/// defaults). They refuse wrong types and unknown fields, naming the item ("bots[1].lane ..."); ranges
/// are ValidateRules' to check.
Result<std::vector<ObstaclePlacement>> ObstaclesFromJson(const nlohmann::json& j);
Result<std::vector<BotCar>> BotsFromJson(const nlohmann::json& j);

/// One lap: {"lap", "time_ms", "status" (ToString(LapStatus)), "off_track_count", "resets", "crash_count", "progress_pct"}.
nlohmann::json LapToJson(const LapResult& lap);
nlohmann::json LapsToJson(const std::vector<LapResult>& laps);
/// The reverse; refuses a lap with a missing field, a wrong type or an unknown status.
Result<std::vector<LapResult>> LapsFromJson(const nlohmann::json& j);

/// A ranked run as leaderboards serve it (GET /races/{id}/leaderboard, its CSV, the embed and the
/// app): the racer's best qualifying submission and its times.
struct LeaderboardEntry {
  int rank = 0;                 ///< 1-based
  std::string alias;
  int64_t submission_id = 0;
  int64_t ranking_ms = 0;       ///< the time that ranks (the race's timing method)
  int64_t best_lap_ms = 0;
  int64_t average_lap_ms = 0;   ///< the best average over min_laps consecutive laps
  int64_t total_ms = 0;
  int off_track_count = 0;
  int crash_count = 0;          ///< crashes into boxes and bots (0 in time trials)
  int submissions = 0;          ///< the racer's entries in the race
  int64_t gap_ms = 0;           ///< to the leader (0: the leader, or tied)
  std::string submitted_at;     ///< RFC 3339
};
/// {"rank", "alias", "submission_id", "ranking_ms", "best_lap_ms", "average_lap_ms", "total_ms",
///  "off_track_count", "crash_count", "submissions", "gap_ms", "submitted_at"}
nlohmann::json LeaderboardEntryToJson(const LeaderboardEntry& e);
/// The reverse, for a list of them; refuses a missing field or a wrong type, saying which.
Result<std::vector<LeaderboardEntry>> LeaderboardEntriesFromJson(const nlohmann::json& j);

}  // namespace pw
