// Rate limits every server shares (PostgreSQL): token buckets per key and
// sign-in failures per alias kept in the database, so that N servers behind a
// load balancer give a client one budget, not N. (One server on SQLite keeps
// them in memory: rate_limiter.h.)
#pragma once

#include <cstdint>
#include <string>

#include "db.h"

namespace pw::server::store {

/// Takes a token from `key`'s bucket (up to `burst`, refilled at `per_ms`); false, with the seconds
/// until one is back, when it is empty. One statement: servers taking at once each see the other.
bool TakeToken(db::Connection& db, const std::string& key, double burst, double per_ms, int64_t now_ms, int& retry_after_s);

/// Sign-in failures per alias key: whether it may try now (else the seconds to wait).
bool SigninMayTry(db::Connection& db, const std::string& alias_key, int64_t now_ms, int& retry_after_s);
/// One more failure: past `free_failures`, each further one waits twice as long (up to `max_wait_s`).
void SigninFailed(db::Connection& db, const std::string& alias_key, int free_failures, int max_wait_s, int64_t now_ms);
void SigninSucceeded(db::Connection& db, const std::string& alias_key);

/// Forgets buckets and failures idle since `before_ms`.
void PurgeLimits(db::Connection& db, int64_t before_ms);

}  // namespace pw::server::store
