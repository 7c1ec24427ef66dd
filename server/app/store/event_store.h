// Live events through the database (PostgreSQL's NOTIFY on the channel every
// server LISTENs to: League::FollowSharedEvents).
#pragma once

#include <string>

#include "db.h"

namespace pw::server::store {

/// The channel of this league's events: "pitwall_events" and the schema the league lives in, so that
/// leagues sharing a database (one schema each) never hear each other.
std::string EventChannel(db::Connection& db);

/// Sends `payload` (JSON, under 8000 bytes) to every listener of `channel`; PostgreSQL only.
void NotifyListeners(db::Connection& db, const std::string& channel, const std::string& payload);

}  // namespace pw::server::store
