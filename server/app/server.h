// Runs the Pitwall server: database, evaluation workers, HTTP API, live
// updates and static files, until SIGINT or SIGTERM.
#pragma once

#include "league.h"

namespace pw::server {

/// Returns the process exit code.
int RunServer(const ServerConfig& config);

}  // namespace pw::server
