// The submissions table: typed records and the SQL that reads and writes them
// (moving here from the route files and the evaluator, call by call).
#pragma once

#include "db.h"

namespace pw::server::store {

/// Submissions waiting for an evaluation worker.
int CountQueued(db::Connection& db);

}  // namespace pw::server::store
