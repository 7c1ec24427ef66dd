// Platform seam: HTTP to the Pitwall API (same origin). Asynchronous: the
// callback runs on the main loop's thread when the response has arrived.
#pragma once

#include <functional>
#include <string>

namespace pw::web {

struct HttpResponse {
  int status = 0;            ///< 0 when the request never reached the server
  std::string body;
  std::string etag;
  std::string network_error; ///< set when status is 0
};

using HttpCallback = std::function<void(const HttpResponse&)>;

/// `headers` is "Name: value" lines separated by '\n'.
void HttpRequest(const std::string& method, const std::string& path, const std::string& body, const std::string& headers,
                 HttpCallback done);

}  // namespace pw::web
