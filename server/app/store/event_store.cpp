#include "store/event_store.h"

namespace pw::server::store {

std::string EventChannel(db::Connection& db) {
  db::Statement q(db, "SELECT current_schema()");
  q.executeStep();
  return "pitwall_events " + q.getColumn(0).getString();
}

void NotifyListeners(db::Connection& db, const std::string& channel, const std::string& payload) {
  db::Statement q(db, "SELECT pg_notify(?, ?)");
  q.bind(1, channel);
  q.bind(2, payload);
  q.exec();
}

}  // namespace pw::server::store
