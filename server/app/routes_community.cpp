// Community races: invitation links, joining through them, and the
// organiser's tools (participants, entries). Private races answer 404 to
// anyone who is not the organiser or a participant (see League::CanView).
#include <regex>

#include "api.h"
#include "edge_policy.h"
#include "database.h"
#include "race_settings.h"
#include "rate_limiter.h"
#include "store/invitation_store.h"
#include "store/racer_store.h"
#include "store/submission_store.h"

namespace pw::server {

std::string SealedFor(int64_t race_id) { return "pitwall invitation for race " + std::to_string(race_id); }

NewInvitationLink MakeInvitation(const Sealer& sealer, int64_t race_id, int64_t expires_at, std::optional<int64_t> max_uses) {
  const std::string token = NewToken(16);  // 128 bits from the CSPRNG
  NewInvitationLink link;
  link.record.race_id = race_id;
  link.record.token_hash = Sha256Hex(token);
  link.record.token_sealed = sealer.Seal(token, SealedFor(race_id));
  link.record.created_at = NowMs();
  link.record.expires_at = expires_at;
  link.record.max_uses = max_uses;
  link.shown = {{"url", "/join/" + token}, {"token", token}, {"expires_at", Rfc3339(expires_at)},
                {"max_uses", max_uses ? json(*max_uses) : json()}, {"uses", 0}};
  return link;
}

namespace {

bool WellFormed(const std::string& token, httplib::Response& res) {
  static const std::regex shape("^[A-Za-z0-9_-]{22}$");
  res.set_header("Referrer-Policy", "no-referrer");
  if (std::regex_match(token, shape)) return true;
  Problem(res, 400, "invitation-malformed", "Malformed invitation link",
          "an invitation link ends in a 22-character code; check that the whole link was copied");
  return false;
}

// The refusal for a link that does not (or no longer) lets anyone in.
void Refuse(store::Redeemed why, const std::optional<store::InvitationRecord>& inv, httplib::Response& res) {
  switch (why) {
    case store::Redeemed::kRetired:
      return Problem(res, 410, "invitation-reset", "Invitation link reset", "the organiser has reset this invitation link; ask them for the new one");
    case store::Redeemed::kExpired:
      return Problem(res, 410, "invitation-expired", "Invitation link expired", "this invitation link expired at " + Rfc3339(inv->expires_at));
    case store::Redeemed::kUsedUp:
      return Problem(res, 410, "invitation-used-up", "Invitation link used up",
                     "this invitation link has been used the " + std::to_string(*inv->max_uses) + " times it allows");
    default:
      return Problem(res, 404, "invitation-unknown", "Unknown invitation link", "no race has this invitation link");
  }
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
    if (race->kind != RaceKind::kCommunity || race->created_by != racer->id) {
      Problem(res, 403, "forbidden", "Organisers only", "only the organiser of a community race can do this");
      return std::nullopt;
    }
    return race;
  };

  api.Add("GET", "/api/v1/invitations/{token}", [&league, limited](const httplib::Request& req, httplib::Response& res) {
    if (limited(req, res)) return;
    const std::string token = req.matches[1].str();
    if (!WellFormed(token, res)) return;
    const std::string hash = Sha256Hex(token);
    const auto inv = store::FindInvitationByToken(league.db(), hash);
    if (!inv) return Refuse(store::IsRetiredToken(league.db(), hash) ? store::Redeemed::kRetired : store::Redeemed::kUnknown, inv, res);
    if (inv->expires_at <= NowMs()) return Refuse(store::Redeemed::kExpired, inv, res);
    const auto race = league.Race(inv->race_id);
    if (!race) return Refuse(store::Redeemed::kUnknown, inv, res);
    WriteJson(res, 200, {{"race", {{"id", race->id}, {"name", race->name}, {"description", race->description},
                                   {"organiser", store::RacerAlias(league.db(), race->created_by).value_or("")}, {"track", race->track->name()},
                                   {"status", RaceStatus(*race, NowMs())}, {"closes_at", Rfc3339(race->closes_at)}}}});
  });

  api.Add("POST", "/api/v1/invitations/{token}/redeem", [&api, &league, limited](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Referrer-Policy", "no-referrer");
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (limited(req, res)) return;
    const std::string token = req.matches[1].str();
    if (!WellFormed(token, res)) return;
    const store::Redemption r = store::RedeemInvitation(league.db(), Sha256Hex(token), racer->id, NowMs());
    if (r.outcome != store::Redeemed::kJoined && r.outcome != store::Redeemed::kAlreadyIn) return Refuse(r.outcome, r.invitation, res);
    const auto race = league.Race(r.invitation->race_id);
    if (!race) return Refuse(store::Redeemed::kUnknown, r.invitation, res);
    json out = RaceJson(*race);
    out["organiser"] = race->created_by == racer->id;
    WriteJson(res, 200, out);
  });

  api.Add("GET", "/api/v1/races/{race_id}/invitation", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    const auto inv = store::FindInvitation(league.db(), race->id);
    if (!inv) return Problem(res, 404, "not-found", "No invitation", "this race has no invitation link; create one with POST");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    json out = {{"expires_at", Rfc3339(inv->expires_at)}, {"max_uses", inv->max_uses ? json(*inv->max_uses) : json()},
                {"uses", inv->uses}, {"created_at", Rfc3339(inv->created_at)}};
    // The link itself, opened from its sealed copy (only this server's key opens it, only for this race).
    const std::optional<std::string> token =
        inv->token_sealed.empty() ? std::nullopt : league.sealer().Open(inv->token_sealed, SealedFor(race->id));
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
    NewInvitationLink link = MakeInvitation(league.sealer(), race->id, expires.value_or(race->closes_at), max_uses);
    store::ResetInvitation(league.db(), link.record);
    res.set_header("Referrer-Policy", "no-referrer");
    WriteJson(res, 201, link.shown);
  });

  api.Add("GET", "/api/v1/races/{race_id}/participants", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    json list = json::array();
    for (const store::ParticipantRecord& p : store::ListParticipants(league.db(), race->id))
      list.push_back({{"racer_id", p.racer_id}, {"alias", p.alias}, {"joined_at", Rfc3339(p.joined_at)}, {"submissions", p.submissions},
                      {"best_ms", p.best_ms ? json(*p.best_ms) : json()}});
    WriteJson(res, 200, {{"participants", list}});
  });

  api.Add("DELETE", "/api/v1/races/{race_id}/participants/{racer_id}", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    const int64_t racer_id = PathId(req, 2);
    // Their entry leaves the leaderboard and their queued submissions are cancelled.
    const auto revision = store::RemoveParticipant(league.db(), race->id, racer_id, NowMs());
    if (!revision) return Problem(res, 404, "not-found", "No such participant", "racer " + req.matches[2].str() + " is not in this race");
    league.PublishRevision(race->id, *revision);
    league.Publish(race->id, "leaderboard", json{{"revision", *revision}, {"changed", true}}.dump());
    res.status = 204;
  });

  api.Add("DELETE", "/api/v1/races/{race_id}/leaderboard/{racer_id}", [&league, organiser_race](const httplib::Request& req, httplib::Response& res) {
    auto race = organiser_race(req, res);
    if (!race) return;
    const int64_t racer_id = PathId(req, 2);
    // The ranked run is struck off; a racer's other runs may still rank.
    const auto revision = store::StrikeEntry(league.db(), race->id, racer_id, NowMs());
    if (!revision) return Problem(res, 404, "not-found", "No such entry", "racer " + req.matches[2].str() + " has no entry in this race");
    league.PublishRevision(race->id, *revision);
    league.Publish(race->id, "leaderboard", json{{"revision", *revision}, {"changed", true}}.dump());
    res.status = 204;
  });
}

}  // namespace pw::server
