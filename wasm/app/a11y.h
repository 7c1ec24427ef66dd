// The accessible mirror's controls, made from what ImGui lays out. ImGui's
// item hooks (IMGUI_ENABLE_TEST_ENGINE) report every button, checkbox,
// selectable and header a screen draws; each becomes a real DOM control in the
// mirror (platform/dom.h), in reading order, with its label and state. A
// person's focus on one rings the item on the canvas and scrolls it into view;
// activating one clicks the item as a pointer would, so a keyboard or a screen
// reader drives the very code a mouse does. Selects and ranges (Choice,
// Slider in widgets.cpp) describe themselves and take their values directly.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

namespace pw::web {

struct AppState;

struct A11yItem {
  ImRect rect;
  ImGuiWindow* window = nullptr;
};

struct A11yState {
  std::unordered_map<ImGuiID, A11yItem> items, last_items;  ///< every item laid out this frame, and last frame
  ImGuiID focus = 0;           ///< the mirror control with the keyboard focus (0: none)
  bool scroll_to_focus = false;
  ImGuiID click = 0;           ///< an item to click for the mirror
  int click_phase = 0;         ///< 0: bring into view and hover, 1: press, 2: release
  int click_waits = 0;         ///< frames the item has not been seen (it is dropped after a few)
  std::unordered_map<ImGuiID, double> values;  ///< values set in mirror selects and ranges, by item
  bool described = false;      ///< the item being laid out describes itself (Choice, Slider)
  bool busy() const { return click != 0 || scroll_to_focus; }
};

/// Starts a frame's mirror: takes what the person did in it, and scrolls to what they focused.
/// Call after ImGui::NewFrame, before the screens draw.
void StartA11yFrame(AppState& s);
/// Before ImGui::NewFrame: the pointer presses and releases an item the mirror activated.
void PointerForMirror(AppState& s, ImGuiIO& io);
/// After the screens drew: the focus ring, and the controls a modal dialog hides from the mirror.
void FinishA11yFrame(AppState& s);
/// Item `id` (just laid out) is the mirror control `block` (a select or a range): {"control", "label", ...}.
void MirrorControl(AppState& s, ImGuiID id, nlohmann::json block);
/// A value the person set for item `id` in the mirror (true once).
bool TakeMirrorValue(AppState& s, ImGuiID id, double& value);

}  // namespace pw::web
