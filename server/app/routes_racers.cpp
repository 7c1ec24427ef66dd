// Racers: registration, sessions (bearer tokens), the racing terms.
#include <sodium.h>

#include <algorithm>

#include <chrono>

#include "api.h"
#include "database.h"
#include "names.h"
#include "store/racer_store.h"

namespace pw::server {
namespace {

constexpr const char* kTerms =
    "Pitwall racing terms, version 1: you submit models you have the right to race; the league re-runs "
    "every submission itself and its results are final; your alias and results are shown on public "
    "leaderboards; organisers may remove entries from their races.";

json RacerJson(const Racer& r) {
  return {{"id", r.id}, {"alias", r.alias}, {"role", r.role}, {"terms_accepted", r.terms_accepted}, {"created_at", Rfc3339(r.created_at)}};
}

// argon2id takes 64 MiB and tens of milliseconds of a core: at most
// hash_concurrency run at once, and a request waits a bounded time for a turn.
class HashSlot {
 public:
  explicit HashSlot(League& league)
      : league_(league), held_(league.guards().hash_slots.try_acquire_for(std::chrono::milliseconds(league.config().hash_wait_ms))) {}
  ~HashSlot() {
    if (held_) league_.guards().hash_slots.release();
  }
  HashSlot(const HashSlot&) = delete;
  bool held() const { return held_; }

 private:
  League& league_;
  bool held_;
};

void Busy(httplib::Response& res) {
  res.set_header("Retry-After", "2");
  Problem(res, 503, "busy", "Server busy", "too many sign-ins at once; retry in a few seconds");
}

}  // namespace

void AddRacerRoutes(Api& api) {
  League& league = api.league();

  api.Add("POST", "/api/v1/racers", [&league](const httplib::Request& req, httplib::Response& res) {
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto raw_alias = f.String("alias", true, 1, 64);
    AliasCheck alias;
    if (raw_alias) {
      alias = CheckAlias(*raw_alias);
      if (!alias.error.empty()) f.errors.push_back({"alias", alias.error});
    }
    const auto password = f.String("password", true, 8, 256);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid racer", "the racer could not be registered", f.errors);
    std::string hash;
    {
      HashSlot slot(league);
      if (!slot.held()) return Busy(res);
      hash = HashPassword(*password);  // slow on purpose: outside the transaction
    }
    // Nobody becomes an admin by registering: see OfferAdminSetup (server.cpp).
    Racer r{0, alias.alias, "racer", false, NowMs()};
    const auto id = store::RegisterRacer(league.db(), {r.alias, alias.key, alias.look, hash, r.role, r.created_at, false, std::nullopt});
    if (!id)
      return Problem(res, 409, "alias-taken", "Alias taken",
                     "the alias '" + alias.alias + "' is taken, or looks the same as one that is (aliases ignore case and look-alike letters)",
                     {{"alias", "is already taken"}});
    r.id = *id;
    res.set_header("Location", "/api/v1/racers/" + std::to_string(r.id));
    WriteJson(res, 201, RacerJson(r));
  });

  api.Add("POST", "/api/v1/sessions", [&league](const httplib::Request& req, httplib::Response& res) {
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto alias = f.String("alias", true, 1, 64);
    const auto password = f.String("password", true, 1, 256);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid sign-in", "alias and password are required", f.errors);
    const std::string key = AliasKey(*alias);
    // Guessing one racer's password gets slower with every miss, from any address.
    int retry = 0;
    if (!league.SigninMayTry(key, retry)) {
      res.set_header("Retry-After", std::to_string(retry));
      return Problem(res, 429, "rate-limited", "Too many failed sign-ins",
                     "too many wrong passwords for this alias; retry in " + std::to_string(retry) + " s");
    }
    // Unknown aliases cost the same time as wrong passwords: nothing to learn from timing.
    static const std::string dummy = HashPassword("pitwall-dummy-password");
    const auto credentials = store::FindRacerByAliasKey(league.db(), key);
    const bool found = credentials.has_value();
    const std::string hash = found ? credentials->password_hash : dummy;
    const bool demo = found && credentials->demo;
    const Racer r = found ? credentials->racer : Racer{};
    bool verified = false;
    {
      HashSlot slot(league);
      if (!slot.held()) return Busy(res);
      verified = VerifyPassword(hash, *password);
    }
    if (!(verified && found && !demo)) {
      league.SigninFailed(key);
      return Problem(res, 401, "invalid-credentials", "Sign-in failed", "the alias or the password is wrong");
    }
    league.SigninSucceeded(key);
    const std::string token = NewToken();
    const int64_t now = NowMs();
    store::CreateSession(league.db(), Sha256Hex(token), r.id, now, now + kSessionLifetimeMs);
    WriteJson(res, 201, {{"token", token}, {"token_type", "Bearer"}, {"expires_at", Rfc3339(now + kSessionLifetimeMs)}, {"racer", RacerJson(r)}});
  });

  api.Add("DELETE", "/api/v1/sessions/current", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    std::string hash;
    if (!Authenticate(league.db(), req, &hash)) {
      api.RequireRacer(req, res);
      return;
    }
    store::RevokeSession(league.db(), hash, NowMs());
    res.status = 204;
  });

  // Sign out everywhere: every session of this racer ends, this one too.
  api.Add("DELETE", "/api/v1/sessions", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const int ended = store::RevokeAllSessions(league.db(), racer->id, NowMs());
    WriteJson(res, 200, {{"ended_sessions", ended}});
  });

  // A new password ends every other session (this one stays signed in).
  api.Add("POST", "/api/v1/me/password", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    std::string token_hash;
    auto racer = Authenticate(league.db(), req, &token_hash);
    if (!racer) {
      api.RequireRacer(req, res);
      return;
    }
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto current = f.String("current_password", true, 1, 256);
    const auto next = f.String("new_password", true, 8, 256);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid password change", "the password was not changed", f.errors);
    const auto stored_hash = store::PasswordHash(league.db(), racer->id);
    if (!stored_hash) return api.RequireRacer(req, res), void();
    const std::string stored = *stored_hash;
    std::string hash;
    {
      HashSlot slot(league);
      if (!slot.held()) return Busy(res);
      if (!VerifyPassword(stored, *current))
        return Problem(res, 403, "wrong-password", "Wrong password", "the current password is wrong; the password was not changed",
                       {{"current_password", "is wrong"}});
      hash = HashPassword(*next);
    }
    const int ended = store::ChangePassword(league.db(), racer->id, hash, token_hash, NowMs());
    WriteJson(res, 200, {{"ended_sessions", ended}});
  });

  // The first admin: a racer presents the one-time token the server printed.
  api.Add("POST", "/api/v1/admin/claim", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto token = f.String("setup_token", true, 1, 128);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid claim", "send {\"setup_token\": \"...\"}", f.errors);
    {
      std::lock_guard<std::mutex> lock(league.guards().mu);
      const std::string given = Sha256Hex(*token);
      std::string& expected = league.admin_setup_token_hash;
      if (expected.empty() || sodium_memcmp(given.data(), expected.data(), given.size()) != 0 || given.size() != expected.size())
        return Problem(res, 403, "forbidden", "Not a setup token",
                       "the setup token is wrong or was used already (an admin can run: pitwall admin grant <alias>)");
      expected.clear();
    }
    store::MakeAdmin(league.db(), racer->id);
    racer->role = "admin";
    WriteJson(res, 200, RacerJson(*racer));
  });

  api.Add("GET", "/api/v1/me", [&api](const httplib::Request& req, httplib::Response& res) {
    if (auto r = api.RequireRacer(req, res)) WriteJson(res, 200, RacerJson(*r));
  });

  api.Add("GET", "/api/v1/terms", [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, 200, {{"version", 1}, {"text", kTerms}});
  });

  api.Add("POST", "/api/v1/me/terms", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto accept = f.Boolean("accept", true);
    if (accept && !*accept) f.errors.push_back({"accept", "must be true to accept the terms"});
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Terms not accepted", "send {\"accept\": true}", f.errors);
    // Recorded once: accepting again keeps the first time.
    store::AcceptTerms(league.db(), racer->id, NowMs());
    racer->terms_accepted = true;
    WriteJson(res, 200, RacerJson(*racer));
  });
}

}  // namespace pw::server
