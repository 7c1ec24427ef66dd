// The rules every request meets before a handler runs, and every answer gets
// on its way out (docs/SECURITY.md lists each limit with its option):
// - text at the edge is well-formed UTF-8 without control characters: the
//   path, the query, every header value (400 otherwise);
// - request bodies have a Content-Length (411), no Content-Encoding (415), at
//   most the route's size (413); a body larger than the edge buffers needs a
//   valid session first (401), and all bodies being read at once share one
//   memory budget (503);
// - sign-in, registration and every write are rate limited per client (429
//   with Retry-After); the client is the peer address, or the last address in
//   X-Forwarded-For when the peer is a configured trusted proxy;
// - answers carry nosniff, a Referrer-Policy and, for pages, a strict
//   Content-Security-Policy; only the embeddable pages may be framed; CORS
//   never accompanies an answer that used credentials;
// - an exception anywhere becomes a problem+json 500 (503 when out of memory).
#pragma once

#include <httplib.h>

#include <string>

#include "http_edge.h"
#include "league.h"
#include "rate_limiter.h"

namespace pw::server {

/// The client behind a request: the peer, or X-Forwarded-For's last hop when
/// the peer is a trusted proxy.
std::string ClientAddress(const httplib::Request& req, const ServerConfig& config);

/// Installs the pre-routing rules, the answer headers and the error and
/// exception handlers on `http`.
void InstallEdgePolicy(EdgeServer& http, League& league);

}  // namespace pw::server
