#include "store/race_store.h"

#include <nlohmann/json.hpp>

#include "pitwall/json_codec.h"

namespace pw::server::store {

std::optional<StoredRace> FindRace(db::Connection& db, int64_t race_id) {
  db::Statement q(db,
                  "SELECT id, name, description, kind, race_type, track_id, track_json, timing_method, laps, min_laps, lap_mode, "
                  "reset_on_off_track, off_track_penalty_ms, opens_at, closes_at, max_submissions, created_by, created_at, "
                  "revision, visibility, rules_json FROM races WHERE id = ?");
  q.bind(1, race_id);
  if (!q.executeStep()) return std::nullopt;
  StoredRace s;
  RaceRecord& r = s.race;
  r.id = q.getColumn(0).getInt64();
  r.name = q.getColumn(1).getString();
  r.description = q.getColumn(2).getString();
  ParseRaceKind(q.getColumn(3).getString(), r.kind);
  r.track_id = q.getColumn(5).getString();
  s.track_json = q.getColumn(6).getString();
  // Every rule as the race was made (migration 5); the columns hold only some of them.
  bool have_rules = false;
  if (!q.getColumn(20).isNull()) {
    auto rules = RulesFromJson(nlohmann::json::parse(q.getColumn(20).getString(), nullptr, false));
    if (rules) r.rules = rules.value(), have_rules = true;
  }
  if (!have_rules) {
    r.rules = DefaultRaceRules();
    ParseTimingMethod(q.getColumn(7).getString(), r.rules.timing);
    r.rules.laps = q.getColumn(8).getInt();
    r.rules.min_laps = q.getColumn(9).getInt();
    ParseLapMode(q.getColumn(10).getString(), r.rules.lap_mode);
    r.rules.reset_on_off_track = q.getColumn(11).getInt() != 0;
    r.rules.off_track_penalty_ms = q.getColumn(12).getInt();
  }
  r.opens_at = q.getColumn(13).getInt64();
  r.closes_at = q.getColumn(14).getInt64();
  r.max_submissions = q.getColumn(15).getInt();
  r.created_by = q.getColumn(16).getInt64();
  r.created_at = q.getColumn(17).getInt64();
  r.revision = q.getColumn(18).getInt64();
  ParseBoardVisibility(q.getColumn(19).getString(), r.visibility);
  return s;
}

int64_t CountRaces(db::Connection& db) { return db.queryInt("SELECT COUNT(*) FROM races"); }

int64_t CreateRace(db::Connection& db, const RaceRecord& r, const std::string& track_json,
                   const std::function<std::optional<InvitationRecord>(int64_t race_id)>& invite) {
  db::Transaction tx(db);
  db::Statement ins(db,
                    "INSERT INTO races (name, description, kind, race_type, track_id, track_json, timing_method, laps, min_laps, "
                    "lap_mode, reset_on_off_track, off_track_penalty_ms, opens_at, closes_at, max_submissions, created_by, created_at, "
                    "visibility, rules_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  ins.bind(1, r.name);
  ins.bind(2, r.description);
  ins.bind(3, ToString(r.kind));
  ins.bind(4, ToString(r.rules.race_type));  // a column for queries; the rules hold it
  ins.bind(5, r.track_id);
  ins.bind(6, track_json);
  ins.bind(7, ToString(r.rules.timing));
  ins.bind(8, r.rules.laps);
  ins.bind(9, r.rules.min_laps);
  ins.bind(10, ToString(r.rules.lap_mode));
  ins.bind(11, r.rules.reset_on_off_track ? 1 : 0);
  ins.bind(12, r.rules.off_track_penalty_ms);
  ins.bind(13, r.opens_at);
  ins.bind(14, r.closes_at);
  ins.bind(15, r.max_submissions);
  ins.bind(16, r.created_by);
  ins.bind(17, r.created_at);
  ins.bind(18, ToString(r.visibility));
  ins.bind(19, RulesToJson(r.rules).dump());
  ins.executeStep();
  const int64_t id = ins.getColumn(0).getInt64();
  ins.reset();
  if (invite)
    if (auto invitation = invite(id)) PutInvitation(db, *invitation);
  tx.commit();
  return id;
}

RecentRaces CommunityRacesSince(db::Connection& db, int64_t racer_id, int64_t since_ms) {
  db::Statement q(db, "SELECT COUNT(*), MIN(created_at) FROM races WHERE created_by = ? AND kind = 'COMMUNITY' AND created_at > ?");
  q.bind(1, racer_id);
  q.bind(2, since_ms);
  q.executeStep();
  return {q.getColumn(0).getInt(), q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt64()};
}

int64_t ChangeRace(db::Connection& db, const RaceRecord& before, const RaceChange& c) {
  db::Transaction tx(db);
  db::Statement u(db, "UPDATE races SET name = ?, description = ?, opens_at = ?, closes_at = ?, visibility = ? WHERE id = ?");
  u.bind(1, c.name);
  u.bind(2, c.description);
  u.bind(3, c.opens_at);
  u.bind(4, c.closes_at);
  u.bind(5, ToString(c.visibility));
  u.bind(6, before.id);
  u.exec();
  // An invitation expires with the race unless the organiser set it otherwise.
  if (c.closes_at != before.closes_at) {
    db::Statement inv(db, "UPDATE invitations SET expires_at = ? WHERE race_id = ? AND expires_at = ?");
    inv.bind(1, c.closes_at);
    inv.bind(2, before.id);
    inv.bind(3, before.closes_at);
    inv.exec();
  }
  const int64_t revision = BumpRevision(db, before.id);
  tx.commit();
  return revision;
}

void DeleteRace(db::Connection& db, int64_t race_id) {
  db::Transaction tx(db);
  for (const char* sql : {"DELETE FROM leaderboard WHERE race_id = ?", "DELETE FROM submissions WHERE race_id = ?",
                          "DELETE FROM race_participants WHERE race_id = ?", "DELETE FROM invitations WHERE race_id = ?",
                          "DELETE FROM retired_invitations WHERE race_id = ?", "DELETE FROM races WHERE id = ?"}) {
    db::Statement d(db, sql);
    d.bind(1, race_id);
    d.exec();
  }
  tx.commit();
}

std::vector<int64_t> LeagueRaceIds(db::Connection& db, bool newest_first, int limit) {
  db::Statement q(db, std::string("SELECT id FROM races WHERE kind = 'LEAGUE' ORDER BY ") +
                          (newest_first ? "closes_at DESC, id DESC" : "closes_at, id") + (limit >= 0 ? " LIMIT ?" : ""));
  if (limit >= 0) q.bind(1, limit);
  std::vector<int64_t> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  return out;
}

std::vector<int64_t> CommunityRaceIdsOf(db::Connection& db, int64_t racer_id) {
  db::Statement q(db,
                  "SELECT id FROM races WHERE kind = 'COMMUNITY' AND (created_by = ? OR id IN "
                  "(SELECT race_id FROM race_participants WHERE racer_id = ?)) ORDER BY closes_at DESC, id");
  q.bind(1, racer_id);
  q.bind(2, racer_id);
  std::vector<int64_t> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  return out;
}

int64_t BumpRevision(db::Connection& db, int64_t race_id) {
  db::Statement q(db, "UPDATE races SET revision = revision + 1 WHERE id = ? RETURNING revision");
  q.bind(1, race_id);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

bool IsParticipant(db::Connection& db, int64_t race_id, int64_t racer_id) {
  db::Statement q(db, "SELECT 1 FROM race_participants WHERE race_id = ? AND racer_id = ?");
  q.bind(1, race_id);
  q.bind(2, racer_id);
  return q.executeStep();
}

}  // namespace pw::server::store
