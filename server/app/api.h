// The JSON API under /api/v1. Every route is registered through Api::Add,
// which records its template (for the OpenAPI check), turns path templates
// into regexes, and turns unexpected exceptions into a plain 500 problem
// (never a stack trace).
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth.h"
#include "http_util.h"
#include "league.h"

namespace pw::server {

struct RouteInfo {
  std::string method;
  std::string path;  ///< template, e.g. /api/v1/races/{race_id}
};

class Api {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  Api(httplib::Server& http, League& league) : http_(http), league_(league) {}

  void Add(const std::string& method, const std::string& path_template, Handler handler);
  const std::vector<RouteInfo>& routes() const { return routes_; }
  League& league() { return league_; }

  /// The signed-in racer, or a 401 problem written to `res`.
  std::optional<Racer> RequireRacer(const httplib::Request& req, httplib::Response& res);
  std::optional<Racer> OptionalRacer(const httplib::Request& req);

 private:
  httplib::Server& http_;
  League& league_;
  std::vector<RouteInfo> routes_;
};

/// Path parameter i (1-based) as an id.
int64_t PathId(const httplib::Request& req, int index);
/// Headers that let any web page read a public resource (no credentials).
void PublicCors(httplib::Response& res);

void AddRacerRoutes(Api& api);
void AddModelRoutes(Api& api);
void AddRaceRoutes(Api& api);
void AddSubmissionRoutes(Api& api);
void AddMetaRoutes(Api& api);
void AddCommunityRoutes(Api& api);
/// Every route group above, in order.
void AddAllRoutes(Api& api);

/// The OpenAPI document (server/openapi.yaml, compiled in) as JSON.
const std::string& OpenApiJson();

}  // namespace pw::server
