// HTTP through the browser"s fetch(): JS calls back into pw_http_done with the result.
#include <emscripten.h>

#include <map>

#include "http.h"
#include "page.h"

namespace {
std::map<int, pw::web::HttpCallback>& Pending() {
  static std::map<int, pw::web::HttpCallback> pending;
  return pending;
}
int next_id = 1;
}  // namespace

EM_JS(void, pw_js_http, (int id, const char* method, const char* path, const char* body, int body_len, const char* headers), {
  const h = {};
  for (const line of UTF8ToString(headers).split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) h[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const opts = {method : UTF8ToString(method), headers : h};
  if (body_len > 0) opts.body = HEAPU8.slice(body, body + body_len);
  const finish = (status, etag, bytes, error) => {
    const enc = new TextEncoder();
    const ptr = _malloc(bytes.length + 1);
    HEAPU8.set(bytes, ptr);
    const tag = enc.encode(etag || "");
    const tptr = _malloc(tag.length + 1);
    HEAPU8.set(tag, tptr);
    HEAPU8[tptr + tag.length] = 0;
    const eb = enc.encode(error || "");
    const eptr = _malloc(eb.length + 1);
    HEAPU8.set(eb, eptr);
    HEAPU8[eptr + eb.length] = 0;
    _pw_http_done(id, status, ptr, bytes.length, tptr, eptr);
    _free(ptr);
    _free(tptr);
    _free(eptr);
  };
  fetch(UTF8ToString(path), opts)
      .then(r => r.arrayBuffer().then(b => finish(r.status, r.headers.get("ETag"), new Uint8Array(b), "")))
      .catch(e => finish(0, "", new Uint8Array(0), String(e)));
});

extern "C" EMSCRIPTEN_KEEPALIVE void pw_http_done(int id, int status, const char* body, int len, const char* etag, const char* error) {
  auto it = Pending().find(id);
  if (it == Pending().end()) return;
  pw::web::HttpResponse r;
  r.status = status;
  r.body.assign(body, static_cast<size_t>(len));
  r.etag = etag;
  r.network_error = error;
  auto cb = std::move(it->second);
  Pending().erase(it);
  cb(r);
  pw::web::WakeUp();  // an answer may change what is on screen
}

namespace pw::web {

void HttpRequest(const std::string& method, const std::string& path, const std::string& body, const std::string& headers,
                 HttpCallback done) {
  const int id = next_id++;
  Pending()[id] = std::move(done);
  pw_js_http(id, method.c_str(), path.c_str(), body.data(), static_cast<int>(body.size()), headers.c_str());
}

}  // namespace pw::web
