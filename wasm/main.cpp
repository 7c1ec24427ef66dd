// The browser app's entry point: GLFW + WebGL2 through Emscripten, Dear
// ImGui's GLFW and OpenGL3 backends, one main loop (emscripten_set_main_loop).
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>

#include "app/app.h"

namespace {

GLFWwindow* window = nullptr;
pw::web::App* app = nullptr;
double last_ms = 0.0;

void FitCanvas() {
  double w = 0, h = 0;
  emscripten_get_element_css_size("#canvas", &w, &h);
  int cw = 0, ch = 0;
  glfwGetWindowSize(window, &cw, &ch);
  if (static_cast<int>(w) != cw || static_cast<int>(h) != ch) glfwSetWindowSize(window, static_cast<int>(w), static_cast<int>(h));
}

void Loop() {
  FitCanvas();
  glfwPollEvents();
  const double now = emscripten_get_now();
  const double dt = last_ms > 0 ? now - last_ms : 16.7;
  last_ms = now;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  app->Frame(dt);
  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0.06f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

int main() {
  if (!glfwInit()) {
    std::fprintf(stderr, "pitwall: GLFW failed to start\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  double w = 1280, h = 800;
  emscripten_get_element_css_size("#canvas", &w, &h);
  window = glfwCreateWindow(static_cast<int>(w), static_cast<int>(h), "Pitwall", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "pitwall: no WebGL2 context\n");
    return 1;
  }
  glfwMakeContextCurrent(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to save on the web
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  app = new pw::web::App();
  emscripten_set_main_loop(Loop, 0, false);
  return 0;
}
