// SQLite through SQLiteCpp: one connection per thread, WAL, a busy timeout,
// and synchronous=FULL so that an accepted submission survives a crash of the
// process or the machine. The schema is created and upgraded by numbered
// migrations (PRAGMA user_version) when the server starts.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>

namespace pw::server {

/// Opens (creating if needed) a connection with Pitwall's settings.
std::unique_ptr<SQLite::Database> OpenDatabase(const std::string& path);

/// Applies every migration newer than the file's user_version; returns the version now.
int Migrate(SQLite::Database& db);

/// This thread's connection to the server's database (opened on first use).
SQLite::Database& ThreadConnection(const std::string& path);

/// Milliseconds since the Unix epoch (the server's clock; never inside the core).
int64_t NowMs();
/// RFC 3339 UTC, millisecond precision: 2026-11-21T10:44:19.123Z
std::string Rfc3339(int64_t epoch_ms);
/// Parses RFC 3339 (Z or +hh:mm offset); false when malformed.
bool ParseRfc3339(const std::string& text, int64_t& epoch_ms);

}  // namespace pw::server
