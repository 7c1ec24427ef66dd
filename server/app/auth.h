// Racers' credentials: argon2id password hashes and bearer tokens
// (libsodium). A token is 256 random bits, base64url; only its SHA-256 is
// stored, so a leaked database holds no usable token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db.h"
#include <httplib.h>

namespace pw::server {

inline constexpr int64_t kSessionLifetimeMs = 30LL * 24 * 3600 * 1000;

void InitCrypto();  ///< sodium_init; call once at start
std::string HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);
/// 256 bits from the CSPRNG, base64url without padding.
std::string NewToken(size_t bytes = 32);
std::string Sha256Hex(const std::string& data);

/// Secrets only the server can read back: XChaCha20-Poly1305 (libsodium's AEAD) under a
/// 256-bit key kept in the data folder (sealing.key, mode 0600, made on first start).
/// `bound_to` is authenticated with the text: a sealed value opens only for what it was sealed for.
class Sealer {
 public:
  /// Loads the key, or makes one; the error says why neither worked.
  static std::optional<Sealer> LoadOrCreate(const std::string& key_path, std::string& error);
  std::string Seal(const std::string& plain, const std::string& bound_to) const;
  std::optional<std::string> Open(const std::string& sealed, const std::string& bound_to) const;

 private:
  std::string key_;
};

struct Racer {
  int64_t id = 0;
  std::string alias;
  std::string role;
  bool terms_accepted = false;
  int64_t created_at = 0;
  bool admin() const { return role == "admin"; }
};

/// The racer behind an Authorization header value "Bearer <token>", if the
/// token is known, unexpired and not revoked.
std::optional<Racer> AuthenticateBearer(db::Connection& db, const std::string& authorization, std::string* token_hash = nullptr);
/// The same, for a request's Authorization header.
std::optional<Racer> Authenticate(db::Connection& db, const httplib::Request& req, std::string* token_hash = nullptr);

}  // namespace pw::server
