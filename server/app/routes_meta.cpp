// The API's description (OpenAPI, from server/openapi.yaml) and a health check.
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "api.h"
#include "openapi_yaml.h"
#include "store/submission_store.h"

namespace pw::server {
namespace {

json YamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& v : n) a.push_back(YamlToJson(v));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted: always a string
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      char* end = nullptr;
      const long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && *end == '\0') return i;
      const double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && *end == '\0') return d;
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

const std::string& OpenApiJson() {
  static const std::string doc = YamlToJson(YAML::Load(kOpenApiYaml)).dump();
  return doc;
}

void AddMetaRoutes(Api& api) {
  League& league = api.league();
  api.Add("GET", "/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    PublicCors(res);
    res.set_content(OpenApiJson(), "application/json");
  });
  api.Add("GET", "/api/v1/health", [&league](const httplib::Request&, httplib::Response& res) {
    const int queued = store::CountQueued(league.db());
    json out = {{"status", "ok"}, {"queued", queued}, {"live_streams", league.open_streams.load()}};
    if (league.edge_stats) {
      const EdgeStats e = league.edge_stats();
      out["connections"] = {{"open", e.connections}, {"idle", e.parked}, {"busy_workers", e.busy_workers}, {"queued", e.queued}};
    }
    WriteJson(res, 200, out);
  });
}

}  // namespace pw::server
