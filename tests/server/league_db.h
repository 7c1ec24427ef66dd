// Tests read (and, to fake time passing, write) a running server's SQLite file
// directly. The server writes to it at the same moment (sessions, the queue),
// so every such connection waits for the server's lock instead of failing at
// once with "database is locked".
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

namespace pw::testing {

inline SQLite::Database OpenLeagueDb(const std::string& data_dir, bool writable = false) {
  SQLite::Database db(data_dir + "/pitwall.db", writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY);
  db.setBusyTimeout(10000);
  return db;
}

}  // namespace pw::testing
