#include <emscripten.h>

#include <cstdlib>

#include "routes.h"

EM_JS(char*, pw_js_path, (), {
  const s = location.pathname;
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(char*, pw_js_origin, (), {
  const s = location.origin;
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, pw_js_navigate, (const char* path), { history.pushState({}, "", UTF8ToString(path)); });

namespace pw::web {

namespace {
std::string Take(char* p) {
  std::string s(p);
  free(p);
  return s;
}
}  // namespace

std::string CurrentPath() { return Take(pw_js_path()); }
std::string Origin() { return Take(pw_js_origin()); }
void NavigateTo(const std::string& path) { pw_js_navigate(path.c_str()); }

}  // namespace pw::web
