// Live events through the database (PostgreSQL's NOTIFY on the channel every
// server LISTENs to: League::FollowSharedEvents).
#pragma once

#include <string>

#include "db.h"

namespace pw::server::store {

inline constexpr const char* kEventChannel = "pitwall_events";

/// Sends `payload` (JSON, under 8000 bytes) to every listener of kEventChannel; PostgreSQL only.
void NotifyListeners(db::Connection& db, const std::string& payload);

}  // namespace pw::server::store
