// The races table (and what hangs off a race: its revision, its participants):
// typed records and the SQL that reads and writes them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db.h"
#include "pitwall/league.h"
#include "pitwall/rules.h"
#include "store/invitation_store.h"

namespace pw::server::store {

struct RaceRecord {
  int64_t id = 0;
  std::string name, description;
  RaceKind kind = RaceKind::kLeague;
  std::string track_id;
  RaceRules rules;  ///< every rule (the core's codec), not only those with columns of their own
  int64_t opens_at = 0, closes_at = 0;
  int max_submissions = 0;
  int64_t created_by = 0, created_at = 0;
  int64_t revision = 0;  ///< bumped on every leaderboard change (the ETag)
  BoardVisibility visibility = BoardVisibility::kPublic;
};

/// A race as stored, with its own copy of its track (Pitwall's track JSON).
struct StoredRace {
  RaceRecord race;
  std::string track_json;
};

std::optional<StoredRace> FindRace(db::Connection& db, int64_t race_id);
int64_t CountRaces(db::Connection& db);

/// Adds a race, and (community races) its invitation made by `invite` once the race has its id,
/// in one transaction; the race's id.
int64_t CreateRace(db::Connection& db, const RaceRecord& race, const std::string& track_json,
                   const std::function<std::optional<InvitationRecord>(int64_t race_id)>& invite = nullptr);

/// Community races a racer created since `since_ms`: how many, and when the oldest of them was.
struct RecentRaces {
  int count = 0;
  int64_t oldest_at = 0;
};
RecentRaces CommunityRacesSince(db::Connection& db, int64_t racer_id, int64_t since_ms);

/// What an organiser may change once a race exists.
struct RaceChange {
  std::string name, description;
  int64_t opens_at = 0, closes_at = 0;
  BoardVisibility visibility = BoardVisibility::kPublic;
};
/// Changes a race (its invitation expires with it, unless set otherwise) and bumps its revision,
/// in one transaction; the new revision.
int64_t ChangeRace(db::Connection& db, const RaceRecord& before, const RaceChange& change);
/// Deletes a race with its submissions, leaderboard, participants and invitations.
void DeleteRace(db::Connection& db, int64_t race_id);

/// The league's races, by closing time (soonest first, or newest first), at most `limit` (-1: all).
std::vector<int64_t> LeagueRaceIds(db::Connection& db, bool newest_first = false, int limit = -1);
/// Community races a racer organises or has joined, latest closing first.
std::vector<int64_t> CommunityRaceIdsOf(db::Connection& db, int64_t racer_id);

/// Bumps a race's revision (inside the transaction that changed its leaderboard); the new one.
int64_t BumpRevision(db::Connection& db, int64_t race_id);
bool IsParticipant(db::Connection& db, int64_t race_id, int64_t racer_id);

}  // namespace pw::server::store
