// The Pitwall browser app: one Frame() per animation frame, inside ImGui's
// NewFrame/Render (the platform backend owns the window and GL).
#pragma once

#include "state.h"

namespace pw::web {

class App {
 public:
  App();
  void Frame(double dt_ms);

 private:
  void Route(const std::string& path);
  void TopBar();
  AppState s_;
};

}  // namespace pw::web
