// Racers: registration, sessions (bearer tokens), the racing terms.
#include <algorithm>

#include "api.h"
#include "database.h"

namespace pw::server {
namespace {

constexpr const char* kTerms =
    "Pitwall racing terms, version 1: you submit models you have the right to race; the league re-runs "
    "every submission itself and its results are final; your alias and results are shown on public "
    "leaderboards; organisers may remove entries from their races.";

json RacerJson(const Racer& r) {
  return {{"id", r.id}, {"alias", r.alias}, {"role", r.role}, {"terms_accepted", r.terms_accepted}, {"created_at", Rfc3339(r.created_at)}};
}

std::string AliasKey(const std::string& alias) {
  std::string key = alias;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

// Printable text only, no leading or trailing space.
bool AliasCharactersOk(const std::string& a) {
  if (a.empty() || a.front() == ' ' || a.back() == ' ') return false;
  return std::none_of(a.begin(), a.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

void AddRacerRoutes(Api& api) {
  League& league = api.league();

  api.Add("POST", "/api/v1/racers", [&league](const httplib::Request& req, httplib::Response& res) {
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto alias = f.String("alias", true, 2, 32);
    const auto password = f.String("password", true, 8, 256);
    if (alias && !AliasCharactersOk(*alias)) f.errors.push_back({"alias", "may not start or end with a space or contain control characters"});
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid racer", "the racer could not be registered", f.errors);
    const std::string hash = HashPassword(*password);  // slow on purpose: outside the transaction
    SQLite::Database& db = league.db();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement taken(db, "SELECT 1 FROM racers WHERE alias_key = ?");
    taken.bind(1, AliasKey(*alias));
    if (taken.executeStep())
      return Problem(res, 409, "alias-taken", "Alias taken", "the alias '" + *alias + "' is already registered (aliases ignore case)",
                     {{"alias", "is already taken"}});
    const bool first = db.execAndGet("SELECT COUNT(*) FROM racers WHERE is_demo = 0").getInt() == 0;
    Racer r{0, *alias, first ? "admin" : "racer", false, NowMs()};
    SQLite::Statement ins(db, "INSERT INTO racers (alias, alias_key, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, r.alias);
    ins.bind(2, AliasKey(r.alias));
    ins.bind(3, hash);
    ins.bind(4, r.role);
    ins.bind(5, r.created_at);
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
    SQLite::Database& db = league.db();
    SQLite::Statement q(db, "SELECT id, alias, role, terms_accepted_at IS NOT NULL, created_at, password_hash, is_demo FROM racers WHERE alias_key = ?");
    q.bind(1, AliasKey(*alias));
    // Unknown aliases cost the same time as wrong passwords: nothing to learn from timing.
    static const std::string dummy = HashPassword("pitwall-dummy-password");
    const bool found = q.executeStep();
    const std::string hash = found ? q.getColumn(5).getString() : dummy;
    const bool ok = VerifyPassword(hash, *password) && found && q.getColumn(6).getInt() == 0;
    if (!ok) return Problem(res, 401, "invalid-credentials", "Sign-in failed", "the alias or the password is wrong");
    Racer r{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
            q.getColumn(4).getInt64()};
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
