#include "http_util.h"

#include <algorithm>
#include <regex>

#include "database.h"
#include "names.h"

namespace pw::server {

void Problem(httplib::Response& res, int status, const std::string& type, const std::string& title, const std::string& detail,
             const std::vector<FieldError>& errors) {
  json body = {{"type", "https://pitwall.dev/problems/" + type}, {"title", title}, {"status", status}, {"detail", detail}};
  if (!errors.empty()) {
    body["errors"] = json::array();
    for (const FieldError& e : errors) body["errors"].push_back({{"field", e.field}, {"message", e.message}});
  }
  res.status = status;
  // Invalid UTF-8 that reached a message is replaced, never thrown.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/problem+json");
}

void WriteJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

size_t JsonDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::optional<json> JsonBody(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_header_value("Content-Type");
  if (!type.empty() && type.rfind("application/json", 0) != 0) {
    Problem(res, 415, "unsupported-media-type", "Unsupported media type", "send the body as application/json, not " + type);
    return std::nullopt;
  }
  if (JsonDepth(req.body) > kMaxJsonDepth) {
    Problem(res, 400, "malformed-json", "Malformed JSON", "the request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return std::nullopt;
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    Problem(res, 400, "malformed-json", "Malformed JSON", "the request body is not valid JSON");
    return std::nullopt;
  }
  if (!body.is_object()) {
    Problem(res, 400, "malformed-json", "Malformed JSON", "the request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::string RouteRegex(const std::string& t) {
  // Ids are digits; {track_id} and {token} are slugs.
  static const std::regex slug(R"(\{(track_id|token)\})");
  static const std::regex param(R"(\{[a-z_]+\})");
  return std::regex_replace(std::regex_replace(t, slug, "([A-Za-z0-9_-]+)"), param, "([0-9]+)");
}

std::optional<std::string> FieldReader::String(const std::string& field, bool required, size_t min_len, size_t max_len) {
  if (!body.contains(field) || body[field].is_null()) {
    if (required) errors.push_back({field, "is required"});
    return std::nullopt;
  }
  if (!body[field].is_string()) {
    errors.push_back({field, "must be a string"});
    return std::nullopt;
  }
  std::string v = body[field].get<std::string>();
  if (!IsValidUtf8(v) || std::any_of(v.begin(), v.end(), [](unsigned char c) { return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f; })) {
    errors.push_back({field, "must be text without control characters"});
    return std::nullopt;
  }
  // Length in characters (UTF-8 code points), not bytes.
  size_t chars = 0;
  for (unsigned char c : v) chars += (c & 0xC0) != 0x80;
  if (chars < min_len || chars > max_len) {
    errors.push_back({field, "must be " + std::to_string(min_len) + " to " + std::to_string(max_len) + " characters"});
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> FieldReader::Integer(const std::string& field, bool required, int64_t min, int64_t max) {
  if (!body.contains(field) || body[field].is_null()) {
    if (required) errors.push_back({field, "is required"});
    return std::nullopt;
  }
  if (!body[field].is_number_integer()) {
    errors.push_back({field, "must be a whole number"});
    return std::nullopt;
  }
  const int64_t v = body[field].get<int64_t>();
  if (v < min || v > max) {
    errors.push_back({field, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
    return std::nullopt;
  }
  return v;
}

std::optional<bool> FieldReader::Boolean(const std::string& field, bool required) {
  if (!body.contains(field) || body[field].is_null()) {
    if (required) errors.push_back({field, "is required"});
    return std::nullopt;
  }
  if (!body[field].is_boolean()) {
    errors.push_back({field, "must be true or false"});
    return std::nullopt;
  }
  return body[field].get<bool>();
}

std::optional<int64_t> FieldReader::Time(const std::string& field, bool required) {
  const auto text = String(field, required);
  if (!text) return std::nullopt;
  int64_t ms = 0;
  if (!ParseRfc3339(*text, ms)) {
    errors.push_back({field, "must be an RFC 3339 time such as 2026-12-01T18:00:00Z"});
    return std::nullopt;
  }
  return ms;
}

}  // namespace pw::server
