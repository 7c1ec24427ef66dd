// The league's database (server/db: SQLite or PostgreSQL, one connection per
// thread). The schema is created and upgraded by numbered migrations, one list
// per engine (SQLite's PRAGMA user_version; PostgreSQL's pitwall_schema table),
// when the server starts.
#pragma once

#include "db.h"

#include <cstdint>
#include <memory>
#include <string>

namespace pw::server {

/// Applies every migration newer than the database's schema version; returns the version now.
int Migrate(db::Connection& db);

/// Milliseconds since the Unix epoch (the server's clock; never inside the core).
int64_t NowMs();
/// RFC 3339 UTC, millisecond precision: 2026-11-21T10:44:19.123Z
std::string Rfc3339(int64_t epoch_ms);
/// Parses RFC 3339 (Z or +hh:mm offset); false when malformed.
bool ParseRfc3339(const std::string& text, int64_t& epoch_ms);

}  // namespace pw::server
