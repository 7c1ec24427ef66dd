// What a race is made of when it is created, read from a request body with
// every problem recorded as a field error; shared by league and community races.
#pragma once

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

json RaceJson(const RaceInfo& race);
std::string RaceStatus(const RaceInfo& race, int64_t now_ms);

/// Creates (or replaces) a race's invitation and returns it with its token:
/// {url, token, expires_at, max_uses, uses}. Only the token's hash is stored.
json NewInvitation(SQLite::Database& db, int64_t race_id, int64_t expires_at, std::optional<int64_t> max_uses);

}  // namespace pw::server
