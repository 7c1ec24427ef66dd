#include <emscripten.h>

#include <cstdlib>
#include <map>

#include "files.h"
#include "page.h"

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
  pw::web::WakeUp();
}

EM_JS(void, pw_js_download, (const char* name, const char* bytes, int len, const char* mime), {
  const blob = new Blob([HEAPU8.slice(bytes, bytes + len)], {type : UTF8ToString(mime)});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});

namespace pw::web {

void PickFile(const std::string& accept, std::function<void(const std::string&, const std::string&)> done) {
  const int id = next_pick++;
  Picks()[id] = std::move(done);
  pw_js_pick_file(id, accept.c_str());
}

void DownloadFile(const std::string& name, const std::string& bytes, const std::string& mime) {
  pw_js_download(name.c_str(), bytes.data(), static_cast<int>(bytes.size()), mime.c_str());
}

}  // namespace pw::web
