// The HTTP edge: RFC 9457 problem+json errors, JSON bodies, route templates.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pitwall/rules.h"

namespace pw::server {

using nlohmann::json;

/// Writes an application/problem+json response. `type` is a short slug that
/// becomes https://pitwall.dev/problems/<type>.
void Problem(httplib::Response& res, int status, const std::string& type, const std::string& title, const std::string& detail,
             const std::vector<FieldError>& errors = {});
void WriteJson(httplib::Response& res, int status, const json& body);

/// How deeply a JSON text nests arrays and objects (a scan, no parse).
size_t JsonDepth(std::string_view text);
inline constexpr size_t kMaxJsonDepth = 32;

/// Parses the request body as a JSON object (at most kMaxJsonDepth deep), or writes a 400/415 problem and returns nothing.
std::optional<json> JsonBody(const httplib::Request& req, httplib::Response& res);

/// A route template such as /api/v1/races/{race_id}/leaderboard becomes a
/// regex with one capture per {param}; ids are digits.
std::string RouteRegex(const std::string& route_template);

/// Field readers that record what is wrong instead of throwing.
struct FieldReader {
  const json& body;
  std::vector<FieldError> errors;
  std::optional<std::string> String(const std::string& field, bool required, size_t min_len = 0, size_t max_len = 10000);
  std::optional<int64_t> Integer(const std::string& field, bool required, int64_t min, int64_t max);
  std::optional<bool> Boolean(const std::string& field, bool required);
  std::optional<int64_t> Time(const std::string& field, bool required);  ///< RFC 3339
};

}  // namespace pw::server
