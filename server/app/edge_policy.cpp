#include "edge_policy.h"

#include <algorithm>
#include <cstdio>
#include <new>

#include "auth.h"
#include "database.h"
#include "http_util.h"
#include "names.h"

namespace pw::server {
namespace {

constexpr size_t kMaxPathBytes = 1024;

// The browser app: its own scripts and WebAssembly (ONNX Runtime Web and our
// app compile wasm), no inline scripts, nothing from other origins.
constexpr const char* kAppCsp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// The embeddable leaderboard page: the same, but any site may frame it.
constexpr const char* kEmbedCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *";
// Everything else (JSON, files): nothing runs, nothing frames it.
constexpr const char* kDataCsp = "default-src 'none'; frame-ancestors 'none'; sandbox";

bool Trusted(const std::string& peer, const ServerConfig& config) {
  return std::find(config.trusted_proxies.begin(), config.trusted_proxies.end(), peer) != config.trusted_proxies.end();
}

bool LooksLikeAddress(const std::string& a) {
  return !a.empty() && a.size() <= 45 &&
         std::all_of(a.begin(), a.end(), [](unsigned char c) { return std::isxdigit(c) || c == '.' || c == ':'; });
}

// Writes a refusal that ends the connection when a body was sent and not read.
void Refuse(const httplib::Request& req, httplib::Response& res, int status, const std::string& type, const std::string& title,
            const std::string& detail, int retry_after_s = 0) {
  if (retry_after_s > 0) res.set_header("Retry-After", std::to_string(retry_after_s));
  Problem(res, status, type, title, detail);
  const bool body_pending = req.get_header_value_u64("Content-Length") > 0 || req.has_header("Transfer-Encoding");
  if (body_pending)
    if (ConnectionControl* conn = CurrentConnection()) conn->close_after = true;
}

bool IsWrite(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

// Which text of the request is not clean UTF-8, or "".
std::string DirtyPart(const httplib::Request& req) {
  if (!IsCleanText(req.path)) return "the path";
  for (const auto& [key, value] : req.params)
    if (!IsCleanText(key) || !IsCleanText(value)) return "the query parameter '" + Printable(key, 40) + "'";
  for (const auto& [name, value] : req.headers) {
    if (!IsValidUtf8(value) || std::any_of(value.begin(), value.end(), [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }))
      return "the header " + Printable(name, 40);
  }
  return "";
}

httplib::Server::HandlerResponse PreRouting(League& league, const httplib::Request& req, httplib::Response& res) {
  using R = httplib::Server::HandlerResponse;
  const ServerConfig& config = league.config();
  ConnectionControl* conn = CurrentConnection();
  const std::string client = ClientAddress(req, config);
  if (conn) conn->client = client;

  // Routes are matched by std::regex, which recurses once per character
  // (about 250 bytes of stack each): paths stay far below what a worker's
  // stack holds. No route needs more.
  if (req.path.size() > kMaxPathBytes) {
    Refuse(req, res, 414, "uri-too-long", "Path too long", "paths may be at most " + std::to_string(kMaxPathBytes) + " bytes");
    return R::Handled;
  }
  const std::string dirty = DirtyPart(req);
  if (!dirty.empty()) {
    Refuse(req, res, 400, "bad-text", "Bad request text", dirty + " is not valid UTF-8 text (or has control characters)");
    return R::Handled;
  }
  if (req.has_header("Transfer-Encoding")) {
    Refuse(req, res, 411, "length-required", "Length required", "send request bodies with a Content-Length, not chunked");
    return R::Handled;
  }
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity") {
    Refuse(req, res, 415, "unsupported-encoding", "Unsupported content encoding", "request bodies are accepted without compression only");
    return R::Handled;
  }

  const uint64_t length = req.get_header_value_u64("Content-Length");
  const bool upload = req.method == "POST" && req.path == "/api/v1/models";
  const size_t limit = upload ? config.max_upload_bytes : config.max_json_bytes;
  if (length > limit) {
    Refuse(req, res, 413, "too-large", "Request too large",
           std::string(upload ? "models" : "request bodies") + " may be at most " + std::to_string(limit) + " bytes; this one is " +
               std::to_string(length));
    return R::Handled;
  }

  if (IsWrite(req.method)) {
    League::Guards& g = league.guards();
    const bool signin = req.method == "POST" && req.path == "/api/v1/sessions";
    const bool registration = req.method == "POST" && req.path == "/api/v1/racers";
    TokenBuckets& bucket = signin ? g.signin : registration ? g.registration : g.writes;
    int retry = 0;
    if (!league.TakeToken(bucket, signin ? "signin" : registration ? "register" : "writes", client, retry)) {
      Refuse(req, res, 429, "rate-limited", "Too many requests",
             "this client sent too many such requests; retry in " + std::to_string(retry) + " s", retry);
      return R::Handled;
    }
  }

  if (length > config.max_anonymous_body_bytes) {
    // Large bodies are read by a worker: only for a racer who is signed in,
    // and only while the shared budget for such bodies lasts.
    if (!Authenticate(league.db(), req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      Refuse(req, res, 401, "unauthorized", "Sign in required",
             "bodies over " + std::to_string(config.max_anonymous_body_bytes) + " bytes need Authorization: Bearer <token>");
      return R::Handled;
    }
    League::Guards& g = league.guards();
    std::lock_guard<std::mutex> lock(g.mu);
    if (g.body_bytes_reading + length > config.body_budget_bytes) {
      Refuse(req, res, 503, "busy", "Server busy", "too many large uploads at once; retry shortly", 2);
      return R::Handled;
    }
    g.body_bytes_reading += length;
    if (conn)
      conn->on_done = [&league, length] {
        std::lock_guard<std::mutex> done_lock(league.guards().mu);
        league.guards().body_bytes_reading -= length;
      };
  }
  return R::Unhandled;
}

void PostRouting(const httplib::Request& req, httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  if (!res.has_header("Referrer-Policy")) res.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
  const bool embed = req.path.rfind("/embed/", 0) == 0;
  const std::string type = res.get_header_value("Content-Type");
  if (type.rfind("text/html", 0) == 0) res.set_header("Content-Security-Policy", embed ? kEmbedCsp : kAppCsp);
  else if (type.rfind("application/json", 0) == 0 || type.rfind("application/problem+json", 0) == 0 || type.rfind("text/csv", 0) == 0 ||
           type.rfind("application/octet-stream", 0) == 0)
    res.set_header("Content-Security-Policy", kDataCsp);
  if (!embed) res.set_header("X-Frame-Options", "DENY");
  // CORS is for public reads: never on an answer that used credentials.
  if (req.has_header("Authorization") && res.has_header("Access-Control-Allow-Origin")) {
    res.headers.erase("Access-Control-Allow-Origin");
    res.headers.erase("Access-Control-Expose-Headers");
  }
  if (ConnectionControl* conn = CurrentConnection(); conn && conn->close_after) {
    res.headers.erase("Keep-Alive");
    res.headers.erase("Connection");
    res.set_header("Connection", "close");
  }
}

}  // namespace

std::string ClientAddress(const httplib::Request& req, const ServerConfig& config) {
  if (!Trusted(req.remote_addr, config)) return req.remote_addr;
  std::string forwarded = req.get_header_value("X-Forwarded-For");
  const size_t comma = forwarded.find_last_of(',');
  if (comma != std::string::npos) forwarded = forwarded.substr(comma + 1);
  forwarded.erase(0, forwarded.find_first_not_of(" \t"));
  forwarded.erase(forwarded.find_last_not_of(" \t") + 1);
  return LooksLikeAddress(forwarded) ? forwarded : req.remote_addr;
}

void InstallEdgePolicy(EdgeServer& http, League& league) {
  http.set_pre_routing_handler([&league](const httplib::Request& req, httplib::Response& res) {
    try {
      return PreRouting(league, req, res);
    } catch (const db::Busy&) {  // the limits live in the database, and every connection is in use
      Refuse(req, res, 503, "busy", "The server is busy", "every database connection is in use; retry in a second", 1);
      return httplib::Server::HandlerResponse::Handled;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: edge rules failed on %s: %s\n", Printable(req.path, 80).c_str(), e.what());
      Refuse(req, res, 500, "internal", "Internal error", "the server could not check the request");
      return httplib::Server::HandlerResponse::Handled;
    }
  });
  http.set_post_routing_handler(PostRouting);
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string where = Printable(req.method, 16) + " " + Printable(req.path, 200);
    // A person's browser asking for a page that is not there gets a page, not JSON.
    const bool page = req.method == "GET" && req.path.rfind("/api/", 0) != 0 && req.get_header_value("Accept").find("text/html") != std::string::npos;
    if (res.status == 404 && page) {
      std::string path;
      for (char c : Printable(req.path, 200)) path += c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
      res.set_content("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>Not found \u00b7 Pitwall</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"
                      "<body style=\"font:15px/1.45 system-ui,sans-serif;background:#101418;color:#e8ecef;padding:24px\">"
                      "<h1>Nothing here</h1><p>There is no page at <code>" + path + "</code>.</p>"
                      "<p><a style=\"color:#e4572e\" href=\"/\">Go to the races</a></p></body></html>",
                      "text/html; charset=utf-8");
      return;
    }
    if (res.status == 404) Problem(res, 404, "not-found", "Not found", "nothing at " + where);
    else if (res.status == 413) Problem(res, 413, "too-large", "Request too large", "the request body is over the server's limit");
    else if (res.status == 414) Problem(res, 414, "uri-too-long", "URI too long", "the request target is over the server's limit");
    else if (res.status == 405) Problem(res, 405, "method-not-allowed", "Method not allowed", where + " is not allowed");
    else if (res.status == 415) Problem(res, 415, "unsupported-media-type", "Unsupported media type", "the body's encoding is not accepted");
    else if (res.status == 400) Problem(res, 400, "bad-request", "Bad request", "the request could not be read");
    else if (res.status >= 400) Problem(res, res.status, "http-error", "HTTP error", "the request could not be served");
  });
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const std::bad_alloc&) {
      res.set_header("Retry-After", "5");
      Problem(res, 503, "low-memory", "Server busy", "the server is short of memory; retry shortly");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: %s failed: %s\n", Printable(req.path, 80).c_str(), e.what());
      Problem(res, 500, "internal", "Internal error", "the server could not complete the request; it has been logged");
    } catch (...) {
      Problem(res, 500, "internal", "Internal error", "the server could not complete the request; it has been logged");
    }
  });
}

}  // namespace pw::server
