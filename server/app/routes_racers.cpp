// Racers: registration, sessions (bearer tokens), the racing terms.
#include <sodium.h>

#include <algorithm>

#include "api.h"
#include "database.h"
#include "names.h"

#include <chrono>

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
    SQLite::Database& db = league.db();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement taken(db, "SELECT alias FROM racers WHERE alias_key = ? OR alias_look = ?");
    taken.bind(1, alias.key);
    taken.bind(2, alias.look);
    if (taken.executeStep())
      return Problem(res, 409, "alias-taken", "Alias taken",
                     "the alias '" + alias.alias + "' is taken, or looks the same as one that is (aliases ignore case and look-alike letters)",
                     {{"alias", "is already taken"}});
    // Nobody becomes an admin by registering: see OfferAdminSetup (server.cpp).
    Racer r{0, alias.alias, "racer", false, NowMs()};
    SQLite::Statement ins(db, "INSERT INTO racers (alias, alias_key, password_hash, role, created_at, alias_look) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, r.alias);
    ins.bind(2, alias.key);
    ins.bind(3, hash);
    ins.bind(4, r.role);
    ins.bind(5, r.created_at);
    ins.bind(6, alias.look);
    ins.executeStep();
    r.id = ins.getColumn(0).getInt64();
    ins.reset();
    tx.commit();
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
    League::Guards& guards = league.guards();
    if (!guards.signin_failures.MayTry(key, NowMs(), retry)) {
      res.set_header("Retry-After", std::to_string(retry));
      return Problem(res, 429, "rate-limited", "Too many failed sign-ins",
                     "too many wrong passwords for this alias; retry in " + std::to_string(retry) + " s");
    }
    SQLite::Database& db = league.db();
    SQLite::Statement q(db, "SELECT id, alias, role, terms_accepted_at IS NOT NULL, created_at, password_hash, is_demo FROM racers WHERE alias_key = ?");
    q.bind(1, key);
    // Unknown aliases cost the same time as wrong passwords: nothing to learn from timing.
    static const std::string dummy = HashPassword("pitwall-dummy-password");
    // Read the row and let the statement go before the slow part: an open
    // read would hold a snapshot that later writes on this connection must upgrade.
    const bool found = q.executeStep();
    const std::string hash = found ? q.getColumn(5).getString() : dummy;
    const bool demo = found && q.getColumn(6).getInt() != 0;
    Racer r;
    if (found)
      r = Racer{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
                q.getColumn(4).getInt64()};
    q.reset();
    bool verified = false;
    {
      HashSlot slot(league);
      if (!slot.held()) return Busy(res);
      verified = VerifyPassword(hash, *password);
    }
    if (!(verified && found && !demo)) {
      guards.signin_failures.Failed(key, NowMs());
      return Problem(res, 401, "invalid-credentials", "Sign-in failed", "the alias or the password is wrong");
    }
    guards.signin_failures.Succeeded(key);
    const std::string token = NewToken();
    const int64_t now = NowMs();
    SQLite::Statement ins(db, "INSERT INTO sessions (token_hash, racer_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    ins.bind(1, Sha256Hex(token));
    ins.bind(2, r.id);
    ins.bind(3, now);
    ins.bind(4, now + kSessionLifetimeMs);
    ins.exec();
    WriteJson(res, 201, {{"token", token}, {"token_type", "Bearer"}, {"expires_at", Rfc3339(now + kSessionLifetimeMs)}, {"racer", RacerJson(r)}});
  });

  api.Add("DELETE", "/api/v1/sessions/current", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    std::string hash;
    if (!Authenticate(league.db(), req, &hash)) {
      api.RequireRacer(req, res);
      return;
    }
    SQLite::Statement q(league.db(), "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?");
    q.bind(1, NowMs());
    q.bind(2, hash);
    q.exec();
    res.status = 204;
  });

  // Sign out everywhere: every session of this racer ends, this one too.
  api.Add("DELETE", "/api/v1/sessions", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    SQLite::Statement q(league.db(), "UPDATE sessions SET revoked_at = ? WHERE racer_id = ? AND revoked_at IS NULL");
    q.bind(1, NowMs());
    q.bind(2, racer->id);
    const int ended = q.exec();
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
    SQLite::Database& db = league.db();
    SQLite::Statement q(db, "SELECT password_hash FROM racers WHERE id = ?");
    q.bind(1, racer->id);
    if (!q.executeStep()) return api.RequireRacer(req, res), void();
    const std::string stored = q.getColumn(0).getString();
    q.reset();
    std::string hash;
    {
      HashSlot slot(league);
      if (!slot.held()) return Busy(res);
      if (!VerifyPassword(stored, *current))
        return Problem(res, 403, "wrong-password", "Wrong password", "the current password is wrong; the password was not changed",
                       {{"current_password", "is wrong"}});
      hash = HashPassword(*next);
    }
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement u(db, "UPDATE racers SET password_hash = ? WHERE id = ?");
    u.bind(1, hash);
    u.bind(2, racer->id);
    u.exec();
    SQLite::Statement end(db, "UPDATE sessions SET revoked_at = ? WHERE racer_id = ? AND token_hash != ? AND revoked_at IS NULL");
    end.bind(1, NowMs());
    end.bind(2, racer->id);
    end.bind(3, token_hash);
    const int ended = end.exec();
    tx.commit();
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
    SQLite::Statement u(league.db(), "UPDATE racers SET role = 'admin' WHERE id = ?");
    u.bind(1, racer->id);
    u.exec();
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
    SQLite::Statement q(league.db(), "UPDATE racers SET terms_accepted_at = COALESCE(terms_accepted_at, ?) WHERE id = ?");
    q.bind(1, NowMs());
    q.bind(2, racer->id);
    q.exec();
    racer->terms_accepted = true;
    WriteJson(res, 200, RacerJson(*racer));
  });
}

}  // namespace pw::server
