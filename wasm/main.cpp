// The browser app's entry point: GLFW + WebGL2 through Emscripten, Dear
// ImGui's GLFW and OpenGL3 backends, one main loop (emscripten_set_main_loop).
//
// Sharp on every screen: the canvas has one pixel per device pixel, ImGui
// works in device pixels, and fonts and sizes are scaled by the device pixel
// ratio (times a little more on large and on small screens); the probe and
// the DOM fields convert back to CSS pixels. Idle costs nothing: a frame is
// drawn only after input, a network answer, a due timer, or while something
// moves; otherwise the loop is paused until one of those wakes it.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "platform/dom.h"
#include "platform/page.h"

namespace {

GLFWwindow* window = nullptr;
pw::web::App* app = nullptr;
double last_ms = 0.0;
int settle_frames = 0;       // frames still to draw after the last wake-up
double timer_set_for = 0.0;  // the timed wake-up already asked for
float font_scale = 0.0f;     // device pixels per CSS pixel the fonts were built for
ImGuiStyle base_style;

constexpr float kFontCssPx = 15.0f;

/// How much bigger than one CSS pixel per device pixel the UI is drawn: a
/// little larger on big screens, and on phones (touch targets).
float UiScale(double css_width) {
  if (css_width < 700) return 1.15f;
  if (css_width >= 1700) return 1.15f;
  return 1.0f;
}

void BuildFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  const float px = std::round(kFontCssPx * scale);
  ImFont* ui = io.Fonts->AddFontFromFileTTF("/fonts/ui.ttf", px, &config, io.Fonts->GetGlyphRangesDefault());
  ImFont* mono = io.Fonts->AddFontFromFileTTF("/fonts/mono.ttf", px, &config, io.Fonts->GetGlyphRangesDefault());
  if (ui == nullptr) ui = io.Fonts->AddFontDefault();
  io.FontDefault = ui;
  ImGui_ImplOpenGL3_DestroyDeviceObjects();  // the next NewFrame makes them again, with the new atlas
  ImGuiStyle& style = ImGui::GetStyle();
  style = base_style;
  const bool touch = pw::web::CoarsePointer();
  if (touch) {  // a finger's target: frames about 44 CSS pixels high
    style.FramePadding = ImVec2(10, 12);
    style.ItemSpacing = ImVec2(10, 8);
    style.TouchExtraPadding = ImVec2(4, 4);
    style.ScrollbarSize = 20;
  }
  style.ScaleAllSizes(scale);
  app->SetScale(scale, mono ? mono : ui, touch);
  font_scale = scale;
}

/// One canvas pixel per device pixel, the canvas filling its CSS box.
void FitCanvas() {
  double w = 0, h = 0;
  emscripten_get_element_css_size("#canvas", &w, &h);
  const double ratio = pw::web::DevicePixelRatio();
  const int pw = static_cast<int>(std::lround(w * ratio)), ph = static_cast<int>(std::lround(h * ratio));
  int cw = 0, ch = 0;
  glfwGetWindowSize(window, &cw, &ch);
  if (pw != cw || ph != ch) glfwSetWindowSize(window, pw, ph);
  const float scale = static_cast<float>(ratio) * UiScale(w);
  if (std::fabs(scale - font_scale) > 0.01f) BuildFonts(scale);
  app->SetCssPixel(static_cast<float>(ratio));
}

void Loop() {
  const bool woken = pw::web::TakeWakeUp();
  const double now = pw::web::NowMs();
  if (woken) settle_frames = 4;  // hover, focus and layout settle over a few frames
  if (settle_frames <= 0 && !app->Animating() && now < app->NextWakeMs()) {
    const double next = app->NextWakeMs();
    if (std::isfinite(next) && next != timer_set_for) {
      timer_set_for = next;
      pw::web::WakeUpIn(next - now);
    }
    last_ms = 0.0;
    pw::web::SleepUntilWokenUp();
    return;
  }
  --settle_frames;
  FitCanvas();
  glfwPollEvents();
  const double dt = last_ms > 0 ? std::min(100.0, now - last_ms) : 16.7;
  last_ms = now;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  float wheel_x = 0, wheel_y = 0;
  pw::web::TakeWheel(wheel_x, wheel_y);
  ImGui::GetIO().MouseWheelH += wheel_x;
  ImGui::GetIO().MouseWheel += wheel_y;
  app->BeforeNewFrame(ImGui::GetIO());
  ImGui::NewFrame();
  app->Frame(dt);
  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0.06f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  pw::web::FinishDomFrame();
}

}  // namespace

int main() {
  pw::web::GuardDomFields();  // before GLFW starts listening for keys
  if (!glfwInit()) {
    std::fprintf(stderr, "pitwall: GLFW failed to start\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  double w = 1280, h = 800;
  emscripten_get_element_css_size("#canvas", &w, &h);
  const double ratio = pw::web::DevicePixelRatio();
  window = glfwCreateWindow(static_cast<int>(w * ratio), static_cast<int>(h * ratio), "Pitwall", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "pitwall: no WebGL2 context\n");
    return 1;
  }
  glfwMakeContextCurrent(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to save on the web
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab and the arrows move between controls
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  app = new pw::web::App();
  base_style = ImGui::GetStyle();
  emscripten_set_main_loop(Loop, 0, false);
  return 0;
}
