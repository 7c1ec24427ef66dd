#include <emscripten.h>

#include "clipboard.h"

EM_JS(void, pw_js_copy, (const char* text), {
  const t = UTF8ToString(text);
  window.pitwallClipboard = t;  // what was copied, for the tests
  if (navigator.clipboard) navigator.clipboard.writeText(t).catch(() => {});
});

namespace pw::web {

void CopyToClipboard(const std::string& text) { pw_js_copy(text.c_str()); }

}  // namespace pw::web
