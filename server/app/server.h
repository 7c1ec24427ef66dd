// Runs the Pitwall server: database, evaluation workers, HTTP API, live
// updates and static files, until SIGINT or SIGTERM.
#pragma once

#include "api.h"
#include "http_edge.h"
#include "league.h"

namespace pw::server {

/// Every route, page and static folder, behind the edge rules (the server,
/// and the HTTP fuzzer, build the same thing).
void InstallHttp(EdgeServer& http, Api& api);

/// Returns the process exit code.
int RunServer(const ServerConfig& config);

/// `pitwall worker --database`: evaluates the queue of a shared database (PostgreSQL) with no
/// HTTP, until SIGINT or SIGTERM; its events reach the servers through the database.
int RunQueueWorker(const ServerConfig& config);

}  // namespace pw::server
