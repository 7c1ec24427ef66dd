#include "auth.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "database.h"
#include "store/racer_store.h"

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

std::optional<Racer> Authenticate(db::Connection& db, const httplib::Request& req, std::string* token_hash) {
  return AuthenticateBearer(db, req.get_header_value("Authorization"), token_hash);
}

std::optional<Racer> AuthenticateBearer(db::Connection& db, const std::string& header, std::string* token_hash) {
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string hash = Sha256Hex(header.substr(prefix.size()));
  auto racer = store::FindSessionRacer(db, hash, NowMs());
  if (racer && token_hash) *token_hash = hash;
  return racer;
}

std::optional<Sealer> Sealer::LoadOrCreate(const std::string& key_path, std::string& error) {
  Sealer sealer;
  sealer.key_.resize(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  const int fd = ::open(key_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    const ssize_t n = ::read(fd, sealer.key_.data(), sealer.key_.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(sealer.key_.size())) {
      error = key_path + " is not a " + std::to_string(sealer.key_.size()) + "-byte key";
      return std::nullopt;
    }
    return sealer;
  }
  // A new key, written whole or not at all (O_EXCL: two starting servers cannot both make one).
  crypto_aead_xchacha20poly1305_ietf_keygen(reinterpret_cast<unsigned char*>(sealer.key_.data()));
  const std::string tmp = key_path + ".new";
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    error = "cannot create " + tmp + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const bool written = ::write(out, sealer.key_.data(), sealer.key_.size()) == static_cast<ssize_t>(sealer.key_.size()) && ::fsync(out) == 0;
  ::close(out);
  if (!written || ::link(tmp.c_str(), key_path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    if (!written) {
      error = "cannot write " + tmp + ": " + why;
      return std::nullopt;
    }
    return LoadOrCreate(key_path, error);  // another process made it first: use theirs
  }
  ::unlink(tmp.c_str());
  return sealer;
}

std::string Sealer::Seal(const std::string& plain, const std::string& bound_to) const {
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &len,
                                             reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                                             reinterpret_cast<const unsigned char*>(bound_to.data()), bound_to.size(), nullptr, nonce,
                                             reinterpret_cast<const unsigned char*>(key_.data()));
  std::string text(sodium_base64_ENCODED_LEN(out.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(out.data()), out.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(std::strlen(text.c_str()));
  return "v1." + text;
}

std::optional<std::string> Sealer::Open(const std::string& sealed, const std::string& bound_to) const {
  if (sealed.rfind("v1.", 0) != 0) return std::nullopt;
  std::string bin(sealed.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), sealed.data() + 3, sealed.size() - 3, nullptr, &n, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      n < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(bin.data());
  std::string plain(n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &len, nullptr,
                                                 nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                 reinterpret_cast<const unsigned char*>(bound_to.data()), bound_to.size(), nonce,
                                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return std::nullopt;
  plain.resize(static_cast<size_t>(len));
  return plain;
}

}  // namespace pw::server
