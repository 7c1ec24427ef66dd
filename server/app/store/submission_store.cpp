#include "store/submission_store.h"

namespace pw::server::store {

int CountQueued(db::Connection& db) { return db.queryInt("SELECT COUNT(*) FROM submissions WHERE status = 'QUEUED'"); }

}  // namespace pw::server::store
