#include "pitwall/json_codec.h"

#include <cmath>

namespace pw {

using nlohmann::json;

json RulesToJson(const RaceRules& r) {
  json j = {{"laps", r.laps},
          {"min_laps", r.min_laps},
          {"lap_mode", ToString(r.lap_mode)},
          {"timing_method", ToString(r.timing)},
          {"reset_on_off_track", r.reset_on_off_track},
          {"off_track_penalty_ms", r.off_track_penalty_ms},
          {"immobilised_penalty_ms", r.immobilised_penalty_ms},
          {"trial_time_limit_ms", r.trial_time_limit_ms},
          {"lap_time_limit_ms", r.lap_time_limit_ms},
          {"max_steps_per_episode", r.max_steps_per_episode},
          {"race_type", ToString(r.race_type)},
          {"collision_penalty_ms", r.collision_penalty_ms},
          {"course_seed", r.course_seed}};
  if (r.race_type == RaceType::kObjectAvoidance) {
    j["obstacle_count"] = r.obstacle_count;
    j["random_obstacles"] = r.random_obstacles;
    if (!r.random_obstacles) {
      j["obstacles"] = json::array();
      for (const ObstaclePlacement& o : r.obstacles) j["obstacles"].push_back({{"progress_pct", o.progress_pct}, {"lane", ToString(o.lane)}});
    }
  }
  if (r.race_type == RaceType::kHeadToBot) {
    j["bots"] = json::array();
    for (const BotCar& b : r.bots)
      j["bots"].push_back({{"speed_mps", b.speed_mps},
                           {"lane", ToString(b.lane)},
                           {"lane_changes", b.lane_changes},
                           {"lane_change_interval_s", b.lane_change_interval_s}});
  }
  return j;
}

// The boxes of a fixed placement: [{"progress_pct", "lane"}].
Result<std::vector<ObstaclePlacement>> ObstaclesFromJson(const json& j) {
  if (!j.is_array()) return Error{"obstacles must be a list of {progress_pct, lane}"};
  std::vector<ObstaclePlacement> out;
  for (const json& o : j) {
    const std::string at = "obstacles[" + std::to_string(out.size()) + "]";
    if (!o.is_object()) return Error{at + " must be an object {progress_pct, lane}"};
    ObstaclePlacement p;
    for (const auto& [key, value] : o.items()) {
      if (key == "progress_pct") {
        if (!value.is_number()) return Error{at + ".progress_pct must be a number"};
        p.progress_pct = value.get<double>();
      } else if (key == "lane") {
        if (!value.is_string() || !ParseLane(value.get<std::string>(), p.lane)) return Error{at + ".lane must be LEFT or RIGHT"};
      } else {
        return Error{at + ": unknown field \"" + key + "\""};
      }
    }
    if (!o.contains("progress_pct")) return Error{at + ".progress_pct is missing"};
    out.push_back(p);
  }
  return out;
}

// The bot cars: [{"speed_mps", "lane", "lane_changes", "lane_change_interval_s"}], each field optional.
Result<std::vector<BotCar>> BotsFromJson(const json& j) {
  if (!j.is_array()) return Error{"bots must be a list of {speed_mps, lane, lane_changes, lane_change_interval_s}"};
  std::vector<BotCar> out;
  for (const json& o : j) {
    const std::string at = "bots[" + std::to_string(out.size()) + "]";
    if (!o.is_object()) return Error{at + " must be an object {speed_mps, lane, lane_changes, lane_change_interval_s}"};
    BotCar b;
    for (const auto& [key, value] : o.items()) {
      if (key == "speed_mps" || key == "lane_change_interval_s") {
        if (!value.is_number()) return Error{at + "." + key + " must be a number"};
        (key == "speed_mps" ? b.speed_mps : b.lane_change_interval_s) = value.get<double>();
      } else if (key == "lane") {
        if (!value.is_string() || !ParseLane(value.get<std::string>(), b.lane)) return Error{at + ".lane must be LEFT or RIGHT"};
      } else if (key == "lane_changes") {
        if (!value.is_boolean()) return Error{at + ".lane_changes must be true or false"};
        b.lane_changes = value.get<bool>();
      } else {
        return Error{at + ": unknown field \"" + key + "\""};
      }
    }
    out.push_back(b);
  }
  return out;
}

Result<RaceRules> RulesFromJson(const json& j) {
  if (!j.is_object()) return Error{"rules must be a JSON object"};
  RaceRules r = DefaultRaceRules();
  struct IntField {
    const char* name;
    int* target;
  };
  const IntField ints[] = {{"laps", &r.laps},
                           {"min_laps", &r.min_laps},
                           {"off_track_penalty_ms", &r.off_track_penalty_ms},
                           {"immobilised_penalty_ms", &r.immobilised_penalty_ms},
                           {"trial_time_limit_ms", &r.trial_time_limit_ms},
                           {"lap_time_limit_ms", &r.lap_time_limit_ms},
                           {"max_steps_per_episode", &r.max_steps_per_episode},
                           {"collision_penalty_ms", &r.collision_penalty_ms},
                           {"obstacle_count", &r.obstacle_count}};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const IntField& f : ints) {
      if (key != f.name) continue;
      known = true;
      if (!value.is_number_integer() || value.get<int64_t>() < INT32_MIN || value.get<int64_t>() > INT32_MAX)
        return Error{key + " must be a whole number"};
      *f.target = value.get<int>();
    }
    if (known) continue;
    if (key == "lap_mode" || key == "timing_method") {
      if (!value.is_string()) return Error{key + " must be a string"};
      const bool ok = key == "lap_mode" ? ParseLapMode(value.get<std::string>(), r.lap_mode)
                                        : ParseTimingMethod(value.get<std::string>(), r.timing);
      if (!ok) return Error{key + " \"" + value.get<std::string>() + "\" is not known"};
    } else if (key == "reset_on_off_track" || key == "random_obstacles") {
      if (!value.is_boolean()) return Error{key + " must be true or false"};
      (key == "reset_on_off_track" ? r.reset_on_off_track : r.random_obstacles) = value.get<bool>();
    } else if (key == "race_type") {
      if (!value.is_string()) return Error{key + " must be a string"};
      if (!ParseRaceType(value.get<std::string>(), r.race_type))
        return Error{"race_type \"" + value.get<std::string>() + "\" is not known (TIME_TRIAL, OBJECT_AVOIDANCE or HEAD_TO_BOT)"};
    } else if (key == "course_seed") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 2147483647)
        return Error{"course_seed must be a whole number from 0 to 2147483647"};
      r.course_seed = static_cast<uint32_t>(value.get<int64_t>());
    } else if (key == "obstacles") {
      auto list = ObstaclesFromJson(value);
      if (!list) return list.error();
      r.obstacles = std::move(list).value();
    } else if (key == "bots") {
      auto list = BotsFromJson(value);
      if (!list) return list.error();
      r.bots = std::move(list).value();
    } else {
      return Error{"unknown rule \"" + key + "\""};
    }
  }
  if (const auto errors = ValidateRules(r); !errors.empty()) return Error{errors[0].field + " " + errors[0].message};
  return r;
}

json LapToJson(const LapResult& l) {
  return {{"lap", l.lap},
          {"time_ms", l.time_ms},
          {"status", ToString(l.status)},
          {"off_track_count", l.off_track_count},
          {"resets", l.resets},
          {"crash_count", l.crash_count},
          {"progress_pct", std::round(l.progress_pct * 10.0) / 10.0}};
}

json LapsToJson(const std::vector<LapResult>& laps) {
  json out = json::array();
  for (const LapResult& l : laps) out.push_back(LapToJson(l));
  return out;
}

Result<std::vector<LapResult>> LapsFromJson(const json& j) {
  if (!j.is_array()) return Error{"laps must be a JSON array"};
  std::vector<LapResult> out;
  for (const json& l : j) {
    const std::string where = "lap " + std::to_string(out.size() + 1);
    if (!l.is_object()) return Error{where + " is not an object"};
    for (const char* f : {"lap", "time_ms", "off_track_count", "resets"})
      if (!l.contains(f) || !l[f].is_number_integer()) return Error{where + ": " + f + " must be a whole number"};
    if (!l.contains("progress_pct") || !l["progress_pct"].is_number()) return Error{where + ": progress_pct must be a number"};
    if (!l.contains("status") || !l["status"].is_string()) return Error{where + ": status must be a string"};
    LapResult r;
    r.lap = l["lap"].get<int>();
    r.time_ms = l["time_ms"].get<int64_t>();
    r.off_track_count = l["off_track_count"].get<int>();
    r.resets = l["resets"].get<int>();
    r.progress_pct = l["progress_pct"].get<double>();
    if (l.contains("crash_count")) {  // laps stored before race types have none
      if (!l["crash_count"].is_number_integer()) return Error{where + ": crash_count must be a whole number"};
      r.crash_count = l["crash_count"].get<int>();
    }
    if (!ParseLapStatus(l["status"].get<std::string>(), r.status)) return Error{where + ": unknown status \"" + l["status"].get<std::string>() + "\""};
    out.push_back(r);
  }
  return out;
}

json LeaderboardEntryToJson(const LeaderboardEntry& e) {
  return {{"rank", e.rank},
          {"alias", e.alias},
          {"submission_id", e.submission_id},
          {"ranking_ms", e.ranking_ms},
          {"best_lap_ms", e.best_lap_ms},
          {"average_lap_ms", e.average_lap_ms},
          {"total_ms", e.total_ms},
          {"off_track_count", e.off_track_count},
          {"crash_count", e.crash_count},
          {"submissions", e.submissions},
          {"gap_ms", e.gap_ms},
          {"submitted_at", e.submitted_at}};
}

Result<std::vector<LeaderboardEntry>> LeaderboardEntriesFromJson(const json& j) {
  if (!j.is_array()) return Error{"entries must be a JSON array"};
  std::vector<LeaderboardEntry> out;
  for (const json& e : j) {
    const std::string where = "entry " + std::to_string(out.size() + 1);
    if (!e.is_object()) return Error{where + " is not an object"};
    for (const char* f : {"rank", "submission_id", "ranking_ms", "best_lap_ms", "average_lap_ms", "total_ms", "off_track_count",
                          "submissions", "gap_ms"})
      if (!e.contains(f) || !e[f].is_number_integer()) return Error{where + ": " + f + " must be a whole number"};
    for (const char* f : {"alias", "submitted_at"})
      if (!e.contains(f) || !e[f].is_string()) return Error{where + ": " + f + " must be a string"};
    LeaderboardEntry r;
    r.rank = e["rank"].get<int>();
    r.alias = e["alias"].get<std::string>();
    r.submission_id = e["submission_id"].get<int64_t>();
    r.ranking_ms = e["ranking_ms"].get<int64_t>();
    r.best_lap_ms = e["best_lap_ms"].get<int64_t>();
    r.average_lap_ms = e["average_lap_ms"].get<int64_t>();
    r.total_ms = e["total_ms"].get<int64_t>();
    r.off_track_count = e["off_track_count"].get<int>();
    if (e.contains("crash_count")) {  // servers before race types send none
      if (!e["crash_count"].is_number_integer()) return Error{where + ": crash_count must be a whole number"};
      r.crash_count = e["crash_count"].get<int>();
    }
    r.submissions = e["submissions"].get<int>();
    r.gap_ms = e["gap_ms"].get<int64_t>();
    r.submitted_at = e["submitted_at"].get<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace pw
