// Community races: invitation links, joining through them, and the
// organiser's tools (participants, entries). Private races answer 404 to
// anyone who is not the organiser or a participant (see League::CanView).
#include <regex>

#include "api.h"
#include "edge_policy.h"
#include "database.h"
#include "race_settings.h"
#include "rate_limiter.h"

namespace pw::server {

std::string SealedFor(int64_t race_id) { return "pitwall invitation for race " + std::to_string(race_id); }

json NewInvitation(db::Connection& db, const Sealer& sealer, int64_t race_id, int64_t expires_at, std::optional<int64_t> max_uses) {
  const std::string token = NewToken(16);  // 128 bits from the CSPRNG
  const std::string hash = Sha256Hex(token);
  db::Statement retire(db, "INSERT OR IGNORE INTO retired_invitations (token_hash, race_id, retired_at) "
                               "SELECT token_hash, race_id, ? FROM invitations WHERE race_id = ?");
  retire.bind(1, NowMs());
  retire.bind(2, race_id);
  retire.exec();
  db::Statement up(db, "INSERT INTO invitations (race_id, token_hash, created_at, expires_at, max_uses, uses, token_sealed) "
                           "VALUES (?, ?, ?, ?, ?, 0, ?) "
                           "ON CONFLICT (race_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, "
                           "expires_at = excluded.expires_at, max_uses = excluded.max_uses, uses = 0, token_sealed = excluded.token_sealed");
  up.bind(1, race_id);
  up.bind(2, hash);
  up.bind(3, NowMs());
  up.bind(4, expires_at);
  if (max_uses) up.bind(5, *max_uses); else up.bind(5);
  up.bind(6, sealer.Seal(token, SealedFor(race_id)));
  up.exec();
  return {{"url", "/join/" + token}, {"token", token}, {"expires_at", Rfc3339(expires_at)},
          {"max_uses", max_uses ? json(*max_uses) : json()}, {"uses", 0}};
}

namespace {

// Looks a token up; on failure writes the specific refusal.
std::optional<int64_t> ResolveToken(League& league, const std::string& token, httplib::Response& res, bool count_as_use_check) {
  static const std::regex shape("^[A-Za-z0-9_-]{22}$");
  res.set_header("Referrer-Policy", "no-referrer");
  if (!std::regex_match(token, shape)) {
    Problem(res, 400, "invitation-malformed", "Malformed invitation link",
            "an invitation link ends in a 22-character code; check that the whole link was copied");
    return std::nullopt;
  }
  const std::string hash = Sha256Hex(token);
  db::Connection& db = league.db();
  db::Statement q(db, "SELECT race_id, expires_at, max_uses, uses FROM invitations WHERE token_hash = ?");
  q.bind(1, hash);
  if (!q.executeStep()) {
    db::Statement retired(db, "SELECT 1 FROM retired_invitations WHERE token_hash = ?");
    retired.bind(1, hash);
    if (retired.executeStep())
      Problem(res, 410, "invitation-reset", "Invitation link reset", "the organiser has reset this invitation link; ask them for the new one");
    else
      Problem(res, 404, "invitation-unknown", "Unknown invitation link", "no race has this invitation link");
    return std::nullopt;
  }
  if (q.getColumn(1).getInt64() <= NowMs()) {
    Problem(res, 410, "invitation-expired", "Invitation link expired", "this invitation link expired at " + Rfc3339(q.getColumn(1).getInt64()));
    return std::nullopt;
  }
  if (count_as_use_check && !q.getColumn(2).isNull() && q.getColumn(3).getInt64() >= q.getColumn(2).getInt64()) {
    Problem(res, 410, "invitation-used-up", "Invitation link used up",
            "this invitation link has been used the " + std::to_string(q.getColumn(2).getInt64()) + " times it allows");
    return std::nullopt;
  }
  return q.getColumn(0).getInt64();
}

}  // namespace

void AddCommunityRoutes(Api& api) {
  League& league = api.league();
  auto limiter = std::make_shared<RateLimiter>(league.config().invite_attempts_per_minute, 60'000);
  // Every look at a token counts against the client's budget.
  auto limited = [limiter, &league](const httplib::Request& req, httplib::Response& res) {
    int retry = 0;
    if (limiter->Allow(ClientAddress(req, league.config()), NowMs(), retry)) return false;
    res.set_header("Retry-After", std::to_string(retry));
    res.set_header("Referrer-Policy", "no-referrer");
    Problem(res, 429, "too-many-attempts", "Too many invitation attempts", "wait " + std::to_string(retry) + " s before trying another invitation link");
    return true;
  };
  auto organiser_race = [&api, &league](const httplib::Request& req, httplib::Response& res) -> std::optional<RaceInfo> {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return std::nullopt;
    auto race = league.Race(PathId(req, 1));
    if (!race || !league.CanView(*race, racer->id)) {
      Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
      return std::nullopt;
    }
    if (race->kind != "COMMUNITY" || race->created_by != racer->id) {
      Problem(res, 403, "forbidden", "Organisers only", "only the organiser of a community race can do this");
      return std::nullopt;
    }
    return race;
  };

  api.Add("GET", "/api/v1/invitations/{token}", [&league, limited](const httplib::Request& req, httplib::Response& res) {
    if (limited(req, res)) return;
    const auto race_id = ResolveToken(league, req.matches[1].str(), res, false);
    if (!race_id) return;
    const auto race = league.Race(*race_id);
    db::Statement q(league.db(), "SELECT alias FROM racers WHERE id = ?");
    q.bind(1, race->created_by);
    q.executeStep();
    WriteJson(res, 200, {{"race", {{"id", race->id}, {"name", race->name}, {"description", race->description},
                                   {"organiser", q.getColumn(0).getString()}, {"track", race->track->name()},
                                   {"status", RaceStatus(*race, NowMs())}, {"closes_at", Rfc3339(race->closes_at)}}}});
  });

  api.Add("POST", "/api/v1/invitations/{token}/redeem", [&api, &league, limited](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Referrer-Policy", "no-referrer");
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (limited(req, res)) return;
    db::Connection& db = league.db();
    db::Transaction tx(db);
    const auto race_id = ResolveToken(league, req.matches[1].str(), res, true);
    if (!race_id) return;
    auto race = league.Race(*race_id);
    if (!league.IsMember(*race, racer->id)) {  // joining again uses nothing
      db::Statement join(db, "INSERT INTO race_participants (race_id, racer_id, joined_at) VALUES (?, ?, ?)");
      join.bind(1, *race_id);
      join.bind(2, racer->id);
      join.bind(3, NowMs());
      join.exec();
      db::Statement use(db, "UPDATE invitations SET uses = uses + 1 WHERE race_id = ?");
      use.bind(1, *race_id);
      use.exec();
    }
    tx.commit();
    json out = RaceJson(*race);
    out["organiser"] = race->created_by == racer->id;
    WriteJson(res, 200, out);
  });

  api.Add("GET", "/api/v1/races/{race_id}/invitation", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    db::Statement q(league.db(), "SELECT expires_at, max_uses, uses, created_at, token_sealed FROM invitations WHERE race_id = ?");
    q.bind(1, race->id);
    if (!q.executeStep()) return Problem(res, 404, "not-found", "No invitation", "this race has no invitation link; create one with POST");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    json out = {{"expires_at", Rfc3339(q.getColumn(0).getInt64())},
                {"max_uses", q.getColumn(1).isNull() ? json() : json(q.getColumn(1).getInt64())},
                {"uses", q.getColumn(2).getInt64()}, {"created_at", Rfc3339(q.getColumn(3).getInt64())}};
    // The link itself, opened from its sealed copy (only this server's key opens it, only for this race).
    const std::optional<std::string> token =
        q.getColumn(4).isNull() ? std::nullopt : league.sealer().Open(q.getColumn(4).getString(), SealedFor(race->id));
    if (token) {
      out["url"] = "/join/" + *token;
      out["token"] = *token;
    } else {
      out["note"] = "this link was made before links were kept for their organisers (or with another server key): reset it to get one to share";
    }
    WriteJson(res, 200, out);
  });

  api.Add("POST", "/api/v1/races/{race_id}/invitation", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (!body.is_object()) return Problem(res, 400, "malformed-json", "Malformed JSON", "the request body must be a JSON object");
    FieldReader f{body, {}};
    const auto max_uses = f.Integer("max_uses", false, 1, 100000);
    const auto expires = f.Time("expires_at", false);
    if (expires && *expires <= NowMs()) f.errors.push_back({"expires_at", "must be in the future"});
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid invitation", "the invitation was not reset", f.errors);
    db::Connection& db = league.db();
    db::Transaction tx(db);
    const json inv = NewInvitation(db, league.sealer(), race->id, expires.value_or(race->closes_at), max_uses);
    tx.commit();
    res.set_header("Referrer-Policy", "no-referrer");
    WriteJson(res, 201, inv);
  });

  api.Add("GET", "/api/v1/races/{race_id}/participants", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    db::Statement q(league.db(),
                        "SELECT r.id, r.alias, p.joined_at, "
                        "(SELECT COUNT(*) FROM submissions s WHERE s.race_id = p.race_id AND s.racer_id = p.racer_id AND s.status != 'CANCELLED'), "
                        "(SELECT l.ranking_ms FROM leaderboard l WHERE l.race_id = p.race_id AND l.racer_id = p.racer_id) "
                        "FROM race_participants p JOIN racers r ON r.id = p.racer_id WHERE p.race_id = ? ORDER BY p.joined_at, r.id");
    q.bind(1, race->id);
    json list = json::array();
    while (q.executeStep())
      list.push_back({{"racer_id", q.getColumn(0).getInt64()}, {"alias", q.getColumn(1).getString()},
                      {"joined_at", Rfc3339(q.getColumn(2).getInt64())}, {"submissions", q.getColumn(3).getInt()},
                      {"best_ms", q.getColumn(4).isNull() ? json() : json(q.getColumn(4).getInt64())}});
    WriteJson(res, 200, {{"participants", list}});
  });

  api.Add("DELETE", "/api/v1/races/{race_id}/participants/{racer_id}", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    const int64_t racer_id = PathId(req, 2);
    db::Connection& db = league.db();
    db::Transaction tx(db);
    db::Statement del(db, "DELETE FROM race_participants WHERE race_id = ? AND racer_id = ?");
    del.bind(1, race->id);
    del.bind(2, racer_id);
    if (del.exec() == 0) return Problem(res, 404, "not-found", "No such participant", "racer " + req.matches[2].str() + " is not in this race");
    // Their entry leaves the leaderboard and their queued submissions are cancelled.
    db::Statement cancel(db, "UPDATE submissions SET status = 'CANCELLED', reason = 'removed from the race by its organiser', "
                                 "finished_at = ? WHERE race_id = ? AND racer_id = ? AND status = 'QUEUED'");
    cancel.bind(1, NowMs());
    cancel.bind(2, race->id);
    cancel.bind(3, racer_id);
    cancel.exec();
    db::Statement board(db, "DELETE FROM leaderboard WHERE race_id = ? AND racer_id = ?");
    board.bind(1, race->id);
    board.bind(2, racer_id);
    board.exec();
    const int64_t revision = league.BumpRevision(db, race->id);
    tx.commit();
    league.PublishRevision(race->id, revision);
    league.events().Publish(race->id, "leaderboard", json{{"revision", revision}, {"changed", true}}.dump());
    res.status = 204;
  });

  api.Add("DELETE", "/api/v1/races/{race_id}/leaderboard/{racer_id}", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    const int64_t racer_id = PathId(req, 2);
    db::Connection& db = league.db();
    db::Transaction tx(db);
    db::Statement entry(db, "SELECT submission_id FROM leaderboard WHERE race_id = ? AND racer_id = ?");
    entry.bind(1, race->id);
    entry.bind(2, racer_id);
    if (!entry.executeStep()) return Problem(res, 404, "not-found", "No such entry", "racer " + req.matches[2].str() + " has no entry in this race");
    // The ranked run is struck off; a racer's other runs may still rank.
    db::Statement strike(db, "UPDATE submissions SET removed_at = ? WHERE id = ?");
    strike.bind(1, NowMs());
    strike.bind(2, entry.getColumn(0).getInt64());
    entry.reset();
    strike.exec();
    RecomputeLeaderboardRow(db, race->id, racer_id);
    const int64_t revision = league.BumpRevision(db, race->id);
    tx.commit();
    league.PublishRevision(race->id, revision);
    league.events().Publish(race->id, "leaderboard", json{{"revision", revision}, {"changed", true}}.dump());
    res.status = 204;
  });
}

}  // namespace pw::server
