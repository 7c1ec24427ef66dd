#include <emscripten.h>

#include <cstdlib>

#include "page.h"

EM_JS(char*, pw_js_load, (const char* key), {
  const s = localStorage.getItem(UTF8ToString(key)) || "";
  const n = lengthBytesUTF8(s) + 1;
  const p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, pw_js_save, (const char* key, const char* value), {
  const v = UTF8ToString(value);
  if (v) localStorage.setItem(UTF8ToString(key), v);
  else localStorage.removeItem(UTF8ToString(key));
});

EM_JS(void, pw_js_probe, (const char* json), { window.pitwallUi = JSON.parse(UTF8ToString(json)); });

namespace pw::web {

std::string LoadSetting(const std::string& key) {
  char* p = pw_js_load(key.c_str());
  std::string s(p);
  free(p);
  return s;
}
void SaveSetting(const std::string& key, const std::string& value) { pw_js_save(key.c_str(), value.c_str()); }
double NowMs() { return emscripten_get_now(); }
void PublishProbe(const std::string& json) { pw_js_probe(json.c_str()); }

}  // namespace pw::web
