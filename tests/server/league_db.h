// Tests read (and, to fake time passing, write) a running server's database
// directly, through the server's own database layer (server/db), so the same
// checks run on either engine. The server writes at the same moment (sessions,
// the queue); SQLite connections wait for its lock instead of failing at once.
#pragma once

#include <memory>
#include <string>

#include "db.h"

namespace pw::testing {

/// The database of a server started with `data_dir` (and, when it has one, `database_url`).
inline std::unique_ptr<db::Connection> OpenLeagueDb(const std::string& data_dir, const std::string& database_url = "") {
  return db::Open(database_url.empty() ? "sqlite:" + data_dir + "/pitwall.db" : database_url);
}

}  // namespace pw::testing
