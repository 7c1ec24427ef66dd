#include <emscripten.h>

#include <cstdlib>
#include <map>

#include "browser.h"

namespace {
std::map<int, std::function<void(const std::string&, const std::string&)>>& Picks() {
  static std::map<int, std::function<void(const std::string&, const std::string&)>> picks;
  return picks;
}
int next_pick = 1;
}  // namespace

EM_JS(void, pw_js_pick_file, (int id, const char* accept), {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = UTF8ToString(accept);
  input.style.display = "none";
  document.body.appendChild(input);
  input.onchange = async () => {
    const file = input.files[0];
    input.remove();
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const ptr = _malloc(bytes.length + 1);
    HEAPU8.set(bytes, ptr);
    const name = new TextEncoder().encode(file.name);
    const nptr = _malloc(name.length + 1);
    HEAPU8.set(name, nptr);
    HEAPU8[nptr + name.length] = 0;
    _pw_file_picked(id, nptr, ptr, bytes.length);
    _free(ptr);
    _free(nptr);
  };
  input.click();
});

extern "C" EMSCRIPTEN_KEEPALIVE void pw_file_picked(int id, const char* name, const char* bytes, int len) {
  auto it = Picks().find(id);
  if (it == Picks().end()) return;
  auto cb = std::move(it->second);
  Picks().erase(it);
  cb(name, std::string(bytes, static_cast<size_t>(len)));
}

EM_JS(void, pw_js_copy, (const char* text), {
  const t = UTF8ToString(text);
  window.pitwallClipboard = t;  // what was copied, for the tests
  if (navigator.clipboard) navigator.clipboard.writeText(t).catch(() => {});
});

EM_JS(void, pw_js_download, (const char* name, const char* bytes, int len, const char* mime), {
  const blob = new Blob([HEAPU8.slice(bytes, bytes + len)], {type : UTF8ToString(mime)});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});

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

namespace {
std::string Take(char* p) {
  std::string s(p);
  free(p);
  return s;
}
}  // namespace

void PickFile(const std::string& accept, std::function<void(const std::string&, const std::string&)> done) {
  const int id = next_pick++;
  Picks()[id] = std::move(done);
  pw_js_pick_file(id, accept.c_str());
}
void CopyToClipboard(const std::string& text) { pw_js_copy(text.c_str()); }
void DownloadFile(const std::string& name, const std::string& bytes, const std::string& mime) {
  pw_js_download(name.c_str(), bytes.data(), static_cast<int>(bytes.size()), mime.c_str());
}
std::string CurrentPath() { return Take(pw_js_path()); }
std::string Origin() { return Take(pw_js_origin()); }
void NavigateTo(const std::string& path) { pw_js_navigate(path.c_str()); }
std::string LoadSetting(const std::string& key) { return Take(pw_js_load(key.c_str())); }
void SaveSetting(const std::string& key, const std::string& value) { pw_js_save(key.c_str(), value.c_str()); }
double NowMs() { return emscripten_get_now(); }
void PublishProbe(const std::string& json) { pw_js_probe(json.c_str()); }

}  // namespace pw::web
