#include "store/submission_store.h"

namespace pw::server::store {

int CountQueued(SQLite::Database& db) { return db.execAndGet("SELECT COUNT(*) FROM submissions WHERE status = 'QUEUED'").getInt(); }

}  // namespace pw::server::store
