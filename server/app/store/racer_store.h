// The racers and sessions tables: typed records and the SQL that reads and
// writes them. Passwords arrive here already hashed (auth.h), tokens as their
// SHA-256: this layer never sees a secret.
#pragma once

#include "db.h"

#include <cstdint>
#include <optional>
#include <string>

#include "auth.h"

namespace pw::server::store {

struct NewRacer {
  std::string alias;          ///< as shown (NFKC)
  std::string alias_key;      ///< names.h: the skeleton of the case fold, unique
  std::string alias_look;     ///< names.h: what the alias looks like, unique
  std::string password_hash;  ///< argon2id
  std::string role = "racer";
  int64_t created_at = 0;
  bool demo = false;                          ///< the demo league's racers (nobody signs in as one)
  std::optional<int64_t> terms_accepted_at;
};
/// Registers a racer unless the alias (or one that looks the same) is taken: its id, or nullopt.
std::optional<int64_t> RegisterRacer(db::Connection& db, const NewRacer& racer);

/// What signing in needs of a racer.
struct RacerCredentials {
  Racer racer;
  std::string password_hash;
  bool demo = false;  ///< the demo league's racers cannot sign in
};
std::optional<RacerCredentials> FindRacerByAliasKey(db::Connection& db, const std::string& alias_key);
std::optional<std::string> PasswordHash(db::Connection& db, int64_t racer_id);
/// Sets a new password hash and ends every session of the racer but `keep_token_hash`'s, at once;
/// how many sessions ended.
int ChangePassword(db::Connection& db, int64_t racer_id, const std::string& password_hash, const std::string& keep_token_hash,
                   int64_t now_ms);
void MakeAdmin(db::Connection& db, int64_t racer_id);
/// Records the first acceptance of the racing terms (accepting again keeps the first time).
void AcceptTerms(db::Connection& db, int64_t racer_id, int64_t now_ms);

/// The racer a live session (not revoked, not expired at `now_ms`) belongs to.
std::optional<Racer> FindSessionRacer(db::Connection& db, const std::string& token_hash, int64_t now_ms);
/// Deletes sessions expired by `now_ms` or revoked before `revoked_before_ms`; how many.
int PurgeSessions(db::Connection& db, int64_t now_ms, int64_t revoked_before_ms);
/// A racer's alias, if there is such a racer.
std::optional<std::string> RacerAlias(db::Connection& db, int64_t racer_id);
/// Whether the league has an admin (demo racers never count).
bool HasAdmin(db::Connection& db);

void CreateSession(db::Connection& db, const std::string& token_hash, int64_t racer_id, int64_t now_ms, int64_t expires_at_ms);
void RevokeSession(db::Connection& db, const std::string& token_hash, int64_t now_ms);
/// Ends every live session of the racer; how many.
int RevokeAllSessions(db::Connection& db, int64_t racer_id, int64_t now_ms);

}  // namespace pw::server::store
