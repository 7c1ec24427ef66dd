#include "auth.h"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "database.h"

namespace pw::server {

void InitCrypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return out;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewToken(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::optional<Racer> Authenticate(SQLite::Database& db, const httplib::Request& req, std::string* token_hash) {
  return AuthenticateBearer(db, req.get_header_value("Authorization"), token_hash);
}

std::optional<Racer> AuthenticateBearer(SQLite::Database& db, const std::string& header, std::string* token_hash) {
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string hash = Sha256Hex(header.substr(prefix.size()));
  SQLite::Statement q(db,
                      "SELECT r.id, r.alias, r.role, r.terms_accepted_at IS NOT NULL, r.created_at FROM sessions s "
                      "JOIN racers r ON r.id = s.racer_id WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?");
  q.bind(1, hash);
  q.bind(2, NowMs());
  if (!q.executeStep()) return std::nullopt;
  if (token_hash) *token_hash = hash;
  return Racer{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
               q.getColumn(4).getInt64()};
}

}  // namespace pw::server
