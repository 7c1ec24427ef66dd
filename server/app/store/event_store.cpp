#include "store/event_store.h"

namespace pw::server::store {

void NotifyListeners(db::Connection& db, const std::string& payload) {
  db::Statement q(db, std::string("SELECT pg_notify('") + kEventChannel + "', ?)");
  q.bind(1, payload);
  q.exec();
}

}  // namespace pw::server::store
