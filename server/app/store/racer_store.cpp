#include "store/racer_store.h"

namespace pw::server::store {

std::optional<int64_t> RegisterRacer(db::Connection& db, const NewRacer& r) {
  db::Transaction tx(db);
  {
    db::Statement taken(db, "SELECT 1 FROM racers WHERE alias_key = ? OR alias_look = ?");
    taken.bind(1, r.alias_key);
    taken.bind(2, r.alias_look);
    if (taken.executeStep()) return std::nullopt;
  }
  db::Statement ins(db, "INSERT INTO racers (alias, alias_key, password_hash, role, created_at, alias_look, is_demo, terms_accepted_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  ins.bind(1, r.alias);
  ins.bind(2, r.alias_key);
  ins.bind(3, r.password_hash);
  ins.bind(4, r.role);
  ins.bind(5, r.created_at);
  ins.bind(6, r.alias_look);
  ins.bind(7, r.demo ? 1 : 0);
  if (r.terms_accepted_at) ins.bind(8, *r.terms_accepted_at);
  else ins.bind(8);
  ins.executeStep();
  const int64_t id = ins.getColumn(0).getInt64();
  ins.reset();
  tx.commit();
  return id;
}

std::optional<RacerCredentials> FindRacerByAliasKey(db::Connection& db, const std::string& alias_key) {
  db::Statement q(db, "SELECT id, alias, role, terms_accepted_at IS NOT NULL, created_at, password_hash, is_demo FROM racers WHERE alias_key = ?");
  q.bind(1, alias_key);
  if (!q.executeStep()) return std::nullopt;
  RacerCredentials c;
  c.racer = Racer{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
                  q.getColumn(4).getInt64()};
  c.password_hash = q.getColumn(5).getString();
  c.demo = q.getColumn(6).getInt() != 0;
  return c;  // the statement ends here: no read snapshot outlives the call
}

std::optional<std::string> PasswordHash(db::Connection& db, int64_t racer_id) {
  db::Statement q(db, "SELECT password_hash FROM racers WHERE id = ?");
  q.bind(1, racer_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

int ChangePassword(db::Connection& db, int64_t racer_id, const std::string& password_hash, const std::string& keep_token_hash,
                   int64_t now_ms) {
  db::Transaction tx(db);
  db::Statement u(db, "UPDATE racers SET password_hash = ? WHERE id = ?");
  u.bind(1, password_hash);
  u.bind(2, racer_id);
  u.exec();
  db::Statement end(db, "UPDATE sessions SET revoked_at = ? WHERE racer_id = ? AND token_hash != ? AND revoked_at IS NULL");
  end.bind(1, now_ms);
  end.bind(2, racer_id);
  end.bind(3, keep_token_hash);
  const int ended = end.exec();
  tx.commit();
  return ended;
}

void MakeAdmin(db::Connection& db, int64_t racer_id) {
  db::Statement u(db, "UPDATE racers SET role = 'admin' WHERE id = ?");
  u.bind(1, racer_id);
  u.exec();
}

void AcceptTerms(db::Connection& db, int64_t racer_id, int64_t now_ms) {
  db::Statement q(db, "UPDATE racers SET terms_accepted_at = COALESCE(terms_accepted_at, ?) WHERE id = ?");
  q.bind(1, now_ms);
  q.bind(2, racer_id);
  q.exec();
}

void CreateSession(db::Connection& db, const std::string& token_hash, int64_t racer_id, int64_t now_ms, int64_t expires_at_ms) {
  db::Statement ins(db, "INSERT INTO sessions (token_hash, racer_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
  ins.bind(1, token_hash);
  ins.bind(2, racer_id);
  ins.bind(3, now_ms);
  ins.bind(4, expires_at_ms);
  ins.exec();
}

void RevokeSession(db::Connection& db, const std::string& token_hash, int64_t now_ms) {
  db::Statement q(db, "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?");
  q.bind(1, now_ms);
  q.bind(2, token_hash);
  q.exec();
}

int RevokeAllSessions(db::Connection& db, int64_t racer_id, int64_t now_ms) {
  db::Statement q(db, "UPDATE sessions SET revoked_at = ? WHERE racer_id = ? AND revoked_at IS NULL");
  q.bind(1, now_ms);
  q.bind(2, racer_id);
  return q.exec();
}

std::optional<Racer> FindSessionRacer(db::Connection& db, const std::string& token_hash, int64_t now_ms) {
  db::Statement q(db,
                  "SELECT r.id, r.alias, r.role, CASE WHEN r.terms_accepted_at IS NULL THEN 0 ELSE 1 END, r.created_at FROM sessions s "
                  "JOIN racers r ON r.id = s.racer_id WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?");
  q.bind(1, token_hash);
  q.bind(2, now_ms);
  if (!q.executeStep()) return std::nullopt;
  return Racer{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
               q.getColumn(4).getInt64()};
}

int PurgeSessions(db::Connection& db, int64_t now_ms, int64_t revoked_before_ms) {
  db::Statement q(db, "DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?");
  q.bind(1, now_ms);
  q.bind(2, revoked_before_ms);
  return q.exec();
}

std::optional<std::string> RacerAlias(db::Connection& db, int64_t racer_id) {
  db::Statement q(db, "SELECT alias FROM racers WHERE id = ?");
  q.bind(1, racer_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

bool HasAdmin(db::Connection& db) { return db.queryInt("SELECT COUNT(*) FROM racers WHERE role = 'admin' AND is_demo = 0") > 0; }

}  // namespace pw::server::store
