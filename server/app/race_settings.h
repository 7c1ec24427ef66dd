// What a race is made of when it is created, read from a request body with
// every problem recorded as a field error; shared by league and community races.
#pragma once

#include "auth.h"

#include <optional>
#include <string>

#include "http_util.h"
#include "league.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"

namespace pw::server {

struct RaceSettings {
  std::optional<std::string> name, description, visibility;
  std::optional<Track> track;  ///< a built-in, or (community races) an uploaded file through the importer
  RaceRules rules;
  std::optional<int64_t> opens_at, closes_at, max_submissions;
};

RaceSettings ReadRaceSettings(FieldReader& f, bool community);

/// What the app's page shows without JavaScript (server-rendered, escaped HTML): the league's races
/// for "/", a race's leaderboard for "/races/<id>" when anyone may see it; "" otherwise.
std::string NoScriptHtml(League& league, const std::string& path);

json RaceJson(const RaceInfo& race);
std::string RaceStatus(const RaceInfo& race, int64_t now_ms);

/// A race's leaderboard entries, best first (rank, alias, times, gap, entries), as the API gives them.
json LeaderboardEntries(League& league, int64_t race_id);
/// Seconds with milliseconds, as leaderboards show times ("8.543 s").
std::string Secs(int64_t ms);

/// Creates (or replaces) a race's invitation and returns it with its token:
/// {url, token, expires_at, max_uses, uses}. The token is stored as its hash
/// (for lookups) and sealed for its organiser (auth.h's Sealer).
json NewInvitation(db::Connection& db, const Sealer& sealer, int64_t race_id, int64_t expires_at, std::optional<int64_t> max_uses);

}  // namespace pw::server
