// The one JSON form of the values a trial is made of and gives back: race
// rules and lap results. The server's API, the evaluation workers' protocol,
// the command line and the browser app all read and write them through here,
// so a field is named once.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "pitwall/result.h"
#include "pitwall/rules.h"
#include "pitwall/trial.h"

namespace pw {

/// {"laps", "min_laps", "lap_mode", "timing_method", "reset_on_off_track", "off_track_penalty_ms",
///  "immobilised_penalty_ms", "trial_time_limit_ms", "lap_time_limit_ms", "max_steps_per_episode"}
nlohmann::json RulesToJson(const RaceRules& rules);
/// The reverse; fields left out keep their defaults. Refuses wrong types, unknown
/// names and rules outside their ranges (ValidateRules), saying which.
Result<RaceRules> RulesFromJson(const nlohmann::json& j);

/// One lap: {"lap", "time_ms", "status" (ToString(LapStatus)), "off_track_count", "resets", "progress_pct"}.
nlohmann::json LapToJson(const LapResult& lap);
nlohmann::json LapsToJson(const std::vector<LapResult>& laps);
/// The reverse; refuses a lap with a missing field, a wrong type or an unknown status.
Result<std::vector<LapResult>> LapsFromJson(const nlohmann::json& j);

}  // namespace pw
