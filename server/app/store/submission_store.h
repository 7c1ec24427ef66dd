// The submissions table: typed records and the SQL that reads and writes them
// (moving here from the route files and the evaluator, call by call).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

namespace pw::server::store {

/// Submissions waiting for an evaluation worker.
int CountQueued(SQLite::Database& db);

}  // namespace pw::server::store
