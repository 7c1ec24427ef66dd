// Every evaluation the tests make must replay exactly from its stored trace:
// this reads a server's database, re-simulates each run with the core and
// compares laps and fingerprint with what the server stored.
#pragma once

#include "db.h"
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "league_db.h"
#include "pitwall/json_codec.h"
#include "pitwall/replay.h"
#include "pitwall/track_io.h"

namespace pw::testing {

inline std::string Inflate(const std::string& z) {
  std::string out(z.size() * 20 + 1024, '\0');
  for (;;) {
    uLongf size = out.size();
    const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(z.data()), z.size());
    if (rc == Z_OK) return out.substr(0, size);
    if (rc != Z_BUF_ERROR) return {};
    out.resize(out.size() * 2);
  }
}

/// Checks every evaluated submission in a league's database; returns how many were checked.
inline int ExpectEveryRunReplays(db::Connection& db) {
  db::Statement q(db,
                      "SELECT s.id, s.trace, s.laps_json, s.fingerprint, r.track_json, r.rules_json FROM submissions s "
                      "JOIN races r ON r.id = s.race_id "
                      "WHERE s.status IN ('COMPLETED', 'FAILED') AND s.trace IS NOT NULL");
  int checked = 0;
  while (q.executeStep()) {
    const int64_t id = q.getColumn(0).getInt64();
    const std::string blob = q.getColumn(1).getString();
    const auto trace = DecodeTrace(Inflate(blob));
    if (!trace) {
      ADD_FAILURE() << "submission " << id << ": " << trace.error().message;
      continue;
    }
    const Track track = ImportTrack(q.getColumn(4).getString(), "race.json").value();
    // The race's rules as it stored them, every one (the core's codec): the run was raced under them.
    const auto stored_rules = RulesFromJson(nlohmann::json::parse(q.getColumn(5).getString(), nullptr, false));
    if (!stored_rules) {
      ADD_FAILURE() << "submission " << id << ": its race's stored rules do not decode: " << stored_rules.error().message;
      continue;
    }
    const RaceRules rules = stored_rules.value();
    const auto expected = LapsFromJson(nlohmann::json::parse(q.getColumn(2).getString())).value();
    // A model error ends the trace where it happened: the replay runs out of actions at that very step.
    const ReplayCheck check = VerifyReplay(track, rules, trace.value().steps, expected, ReplayConfig(trace.value()));
    EXPECT_TRUE(check.matches) << "submission " << id << ": " << check.difference;
    char fp[17];
    std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(check.result.fingerprint));
    EXPECT_EQ(q.getColumn(3).getString(), fp) << "submission " << id << " replays to another fingerprint";
    ++checked;
  }
  return checked;
}

/// The league holds exactly the `accepted` submissions, each finished (COMPLETED or FAILED) once,
/// with one set of `laps` laps: nothing lost, nothing counted twice.
inline void ExpectEachFinishedOnce(db::Connection& db, const std::vector<int64_t>& accepted, size_t laps) {
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM submissions"), static_cast<int64_t>(accepted.size()));
  for (int64_t id : accepted) {
    db::Statement q(db, "SELECT status, laps_json FROM submissions WHERE id = ?");
    q.bind(1, id);
    ASSERT_TRUE(q.executeStep()) << "submission " << id << " was lost";
    const std::string status = q.getColumn(0).getString();
    EXPECT_TRUE(status == "COMPLETED" || status == "FAILED") << id << " is " << status;
    EXPECT_EQ(nlohmann::json::parse(q.getColumn(1).getString()).size(), laps) << "one set of " << laps << " laps for " << id;
  }
}

/// The same for the database of a server started on `data_dir`.
inline int ExpectEveryRunReplays(const std::string& data_dir) { return ExpectEveryRunReplays(*OpenLeagueDb(data_dir)); }

}  // namespace pw::testing
