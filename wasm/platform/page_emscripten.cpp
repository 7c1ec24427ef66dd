#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
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

EM_JS(int, pw_js_coarse, (), { return matchMedia("(pointer: coarse)").matches ? 1 : 0; });

EM_JS(void, pw_js_title, (const char* title), { document.title = UTF8ToString(title); });

// Every input event wakes the main loop (capture phase: also those the DOM fields stop).
EM_JS(void, pw_js_listen_for_input, (), {
  const wake = () => _pw_wake();
  for (const type of ["mousemove", "mousedown", "mouseup", "wheel", "keydown", "keyup", "touchstart", "touchmove", "touchend",
                      "pointerdown", "pointermove", "pointerup", "resize", "focus", "blur", "visibilitychange", "popstate", "input"])
    window.addEventListener(type, wake, {capture : true, passive : true});
  // The pixel ratio changes with the browser's zoom and when a window moves to another screen.
  const watchRatio = () => {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener("change", () => { wake(); watchRatio(); }, {once : true});
  };
  watchRatio();
});

namespace {
bool wake_requested = true;
bool listening = false;
bool paused = false;
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void pw_wake() { pw::web::WakeUp(); }

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
void SetTitle(const std::string& title) { pw_js_title(title.c_str()); }
bool CoarsePointer() { return pw_js_coarse() != 0; }
double DevicePixelRatio() {
  const double r = emscripten_get_device_pixel_ratio();
  return std::isfinite(r) && r > 0.25 ? r : 1.0;
}

void WakeUp() {
  wake_requested = true;
  if (paused) {
    paused = false;
    emscripten_resume_main_loop();
  }
}

bool TakeWakeUp() {
  if (!listening) {
    listening = true;
    pw_js_listen_for_input();
  }
  const bool w = wake_requested;
  wake_requested = false;
  return w;
}

void WakeUpIn(double ms) {
  emscripten_async_call([](void*) { WakeUp(); }, nullptr, static_cast<int>(std::max(1.0, ms)));
}

void SleepUntilWokenUp() {
  if (!paused && !wake_requested) {
    paused = true;
    emscripten_pause_main_loop();
  }
}

}  // namespace pw::web
