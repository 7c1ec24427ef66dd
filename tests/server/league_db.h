// Which database a test's server uses, and a connection to it for the tests
// that read (or, to fake time passing, write) it directly, through the
// server's own database layer (server/db), so the same checks run on either
// engine. The server writes at the same moment (sessions, the queue); SQLite
// connections wait for its lock instead of failing at once.
//
// By default a server keeps SQLite in its data folder. With
// PITWALL_TEST_DATABASE=postgresql://... (ctest's pg. tests set it), every
// data folder gets a schema of its own in that database, named after the
// folder, so a server restarted on the same folder finds its league again.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "db.h"

namespace pw::testing {

/// The database URL of a server started on `data_dir`: "" for SQLite in the folder.
inline std::string TestDatabaseUrl(const std::string& data_dir) {
  const char* base = std::getenv("PITWALL_TEST_DATABASE");
  if (base == nullptr || *base == '\0') return "";
  char schema[32];
  std::snprintf(schema, sizeof schema, "t%016zx", std::hash<std::string>{}(data_dir));
  db::Open(base)->exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + schema);
  const std::string url = base;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-c%20search_path%3D" + schema;
}

/// The database of a server started on `data_dir`.
inline std::unique_ptr<db::Connection> OpenLeagueDb(const std::string& data_dir) {
  const std::string url = TestDatabaseUrl(data_dir);
  return db::Open(url.empty() ? "sqlite:" + data_dir + "/pitwall.db" : url);
}

/// Whether the tests run on PostgreSQL (PITWALL_TEST_DATABASE).
inline bool OnPostgres() {
  const char* base = std::getenv("PITWALL_TEST_DATABASE");
  return base != nullptr && *base != '\0';
}

}  // namespace pw::testing
