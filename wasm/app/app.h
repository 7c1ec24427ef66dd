// The Pitwall browser app: one Frame() per animation frame, inside ImGui's
// NewFrame/Render (the platform backend owns the window and GL).
#pragma once

#include "state.h"

namespace pw::web {

class App {
 public:
  App();
  void Frame(double dt_ms);
  /// Between the platform's new frame and ImGui's: the pointer the accessible mirror drives, if any.
  void BeforeNewFrame(ImGuiIO& io) { PointerForMirror(s_, io); }
  /// Device pixels per CSS pixel (the probe and the DOM work in CSS pixels).
  void SetCssPixel(float device_px) { s_.px_per_css = device_px; }
  /// The UI's scale (fonts and sizes were built for it) and the monospace font for figures.
  void SetScale(float scale, ImFont* mono, bool touch) {
    s_.ui_scale = scale;
    s_.mono = mono;
    s_.touch = touch;
  }
  /// Something is moving or loading: draw every frame.
  bool Animating() const;
  /// When the app next needs a frame without input (a poll that is due, a message to expire).
  double NextWakeMs() const;

 private:
  void Route(const std::string& path);
  void TopBar();
  AppState s_;
};

}  // namespace pw::web
