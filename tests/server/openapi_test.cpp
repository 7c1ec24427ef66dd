// Every route the server registers is in server/openapi.yaml, and every path
// and method the document describes is a route the server registers.
#include <gtest/gtest.h>

#include <set>

#include "api.h"
#include "server_process.h"

namespace pw::server {
namespace {

TEST(OpenApi, DocumentAndRoutesAgree) {
  httplib::Server http;
  ServerConfig config;
  config.data_dir = pw::testing::TempDir("openapi");
  League league(config);
  Api api(http, league);
  AddAllRoutes(api);

  std::set<std::string> registered;
  for (const RouteInfo& r : api.routes()) {
    ASSERT_EQ(r.path.rfind("/api/v1", 0), 0u) << r.path;
    registered.insert(r.method + " " + r.path.substr(7));
  }
  const json doc = json::parse(OpenApiJson());
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }
  for (const auto& r : registered) EXPECT_TRUE(documented.count(r)) << r << " is served but not in openapi.yaml";
  for (const auto& d : documented) EXPECT_TRUE(registered.count(d)) << d << " is in openapi.yaml but not served";
  EXPECT_EQ(doc["openapi"], "3.0.3");
}

TEST(OpenApi, IsServedAsJson) {
  pw::testing::ServerProcess server(pw::testing::TempDir("openapi-served"));
  auto r = server.Client().Get("/api/v1/openapi.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["paths"].size(), json::parse(OpenApiJson())["paths"].size());
}

}  // namespace
}  // namespace pw::server
