// What a race is made of when it is created, read from a request body with
// every problem recorded as a field error; shared by league and community races.
#pragma once

#include "auth.h"

#include <optional>
#include <string>

#include "http_util.h"
#include "league.h"
#include "store/invitation_store.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"

namespace pw::server {

struct RaceSettings {
  std::optional<std::string> name, description;
  std::optional<BoardVisibility> visibility;
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

/// Seconds with milliseconds, as leaderboards show times ("8.543 s").
std::string Secs(int64_t ms);

/// A new invitation for a race: the record to store (the token as its hash, for look-ups, and
/// sealed for its organiser with auth.h's Sealer) and what its organiser is shown:
/// {url, token, expires_at, max_uses, uses}.
struct NewInvitationLink {
  store::InvitationRecord record;
  json shown;
};
NewInvitationLink MakeInvitation(const Sealer& sealer, int64_t race_id, int64_t expires_at, std::optional<int64_t> max_uses);

}  // namespace pw::server
