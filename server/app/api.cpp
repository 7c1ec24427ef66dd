#include "api.h"

#include <cstdio>

namespace pw::server {

void Api::Add(const std::string& method, const std::string& path_template, Handler handler) {
  routes_.push_back({method, path_template});
  const std::string pattern = RouteRegex(path_template);
  auto wrapped = [this, handler = std::move(handler), method, path_template](const httplib::Request& req, httplib::Response& res) {
    bool busy = false;
    const std::optional<db::Pool::Lease> lease = [&]() -> std::optional<db::Pool::Lease> {
      try {
        return league_.BorrowConnection();  // PostgreSQL: one of the shared connections, for this request
      } catch (const db::Error&) {  // db::Busy, or the database cannot be reached
        busy = true;
        return std::nullopt;
      }
    }();
    if (busy) {
      res.set_header("Retry-After", "1");
      return Problem(res, 503, "busy", "The server is busy", "every database connection is in use; retry in a second");
    }
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: %s %s failed: %s\n", method.c_str(), path_template.c_str(), e.what());
      Problem(res, 500, "internal", "Internal error", "the server could not complete the request; it has been logged");
    }
  };
  if (method == "GET") http_.Get(pattern, wrapped);
  else if (method == "POST") http_.Post(pattern, wrapped);
  else if (method == "PATCH") http_.Patch(pattern, wrapped);
  else if (method == "PUT") http_.Put(pattern, wrapped);
  else if (method == "DELETE") http_.Delete(pattern, wrapped);
}

std::optional<Racer> Api::OptionalRacer(const httplib::Request& req) { return Authenticate(league_.db(), req); }

std::optional<Racer> Api::RequireRacer(const httplib::Request& req, httplib::Response& res) {
  auto racer = OptionalRacer(req);
  if (!racer) {
    const bool sent = req.has_header("Authorization");
    res.set_header("WWW-Authenticate", "Bearer");
    Problem(res, 401, "unauthorized", "Sign in required",
            sent ? "the bearer token is unknown, expired or revoked: sign in again" : "send Authorization: Bearer <token> (POST /api/v1/sessions)");
  }
  return racer;
}

int64_t PathId(const httplib::Request& req, int index) {
  try {
    return std::stoll(req.matches[static_cast<size_t>(index)].str());
  } catch (...) {
    return 0;  // out of range: no such resource
  }
}

void AddAllRoutes(Api& api) {
  AddRacerRoutes(api);
  AddModelRoutes(api);
  AddRaceRoutes(api);
  AddSubmissionRoutes(api);
  AddMetaRoutes(api);
  AddCommunityRoutes(api);
}

void PublicCors(httplib::Response& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Expose-Headers", "ETag");
}

}  // namespace pw::server
