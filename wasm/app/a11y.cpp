#include "a11y.h"

#include <algorithm>

#include "../platform/dom.h"
#include "state.h"

namespace pw::web {
namespace {

AppState* StateOf(ImGuiContext* ctx) { return static_cast<AppState*>(ctx->TestEngine); }

/// The label a person reads: ImGui's text before any "##".
std::string Spoken(const char* label) {
  const char* end = label;
  while (*end != '\0' && !(end[0] == '#' && end[1] == '#')) ++end;
  return std::string(label, end);
}

bool InModal(const ImGuiWindow* w) { return w != nullptr && (w->RootWindow->Flags & ImGuiWindowFlags_Modal) != 0; }

/// Wholly on screen: within its window's scrolled view from top to bottom, and within the window
/// from side to side (a full-width row reaches into the window's padding).
bool Visible(const A11yItem& item) {
  if (item.window == nullptr) return false;
  const ImRect& r = item.rect;
  const ImRect& view = item.window->InnerClipRect;
  const ImRect& window = item.window->OuterRectClipped;
  return r.Min.y >= view.Min.y - 1 && r.Max.y <= view.Max.y + 1 && r.Min.x >= window.Min.x - 1 && r.Max.x <= window.Max.x + 1;
}

}  // namespace

void StartA11yFrame(AppState& s) {
  A11yState& a = s.a11y_state;
  a.last_items.swap(a.items);
  a.items.clear();
  for (const MirrorEvent& e : TakeMirrorEvents()) {
    switch (e.kind) {
      case MirrorEvent::Kind::kFocus:
        a.focus = e.id;
        a.scroll_to_focus = e.id != 0;
        break;
      case MirrorEvent::Kind::kActivate:
        a.click = e.id;
        a.click_phase = 0;
        a.click_waits = 0;
        break;
      case MirrorEvent::Kind::kSet: a.values[e.id] = e.value; break;
    }
  }
  // Bring what the person focused or activated into view (its window, and the windows around it).
  for (ImGuiID id : {a.scroll_to_focus ? a.focus : 0u, a.click}) {
    auto it = a.last_items.find(id);
    if (id == 0 || it == a.last_items.end() || it->second.window == nullptr) continue;
    if (!Visible(it->second)) ImGui::ScrollToRect(it->second.window, it->second.rect, ImGuiScrollFlags_KeepVisibleEdgeY);
    if (id == a.focus) a.scroll_to_focus = false;
  }
  // The hooks below see every item; while ImGui "logs", it lays out even those outside the
  // window (with no clipping), so the mirror holds the whole screen, not just what is in view.
  GImGui->TestEngine = &s;
  GImGui->TestEngineHookItems = true;
}

void PointerForMirror(AppState& s, ImGuiIO& io) {
  A11yState& a = s.a11y_state;
  if (a.click == 0) return;
  auto it = a.last_items.find(a.click);
  if (it == a.last_items.end() || !Visible(it->second)) {
    if (++a.click_waits > 20) a.click = 0;  // gone from the screen, or out of reach
    return;
  }
  // As a hand does: over the item for a frame (tabs and overlapping items want the hover first), press, release.
  io.MousePos = it->second.rect.GetCenter();
  io.MouseDown[0] = a.click_phase == 1;
  if (++a.click_phase == 3) a.click = 0;
}

void FinishA11yFrame(AppState& s) {
  A11yState& a = s.a11y_state;
  // While a dialog is open, it alone is operable (as on the canvas).
  const bool modal = ImGui::GetTopMostPopupModal() != nullptr;
  json kept = json::array();
  for (auto& b : s.a11y) {
    if (b.contains("control")) {
      if (modal && !b.value("in_modal", false)) continue;
      b.erase("in_modal");
    }
    kept.push_back(std::move(b));
  }
  s.a11y = std::move(kept);
  // The focus ring: where the keyboard is, on the canvas.
  auto it = a.items.find(a.focus);
  if (a.focus != 0 && it != a.items.end()) {
    const ImRect r = it->second.rect;
    const float pad = s.Px(3);
    ImGui::GetForegroundDrawList()->AddRect(ImVec2(r.Min.x - pad, r.Min.y - pad), ImVec2(r.Max.x + pad, r.Max.y + pad), IM_COL32(255, 214, 64, 255), s.Px(4), 0,
                                            s.Px(2.5f));
    const float css = 1.0f / s.px_per_css;
    ShowValue(s, "a11y.focus", {{"x", r.Min.x * css}, {"y", r.Min.y * css}, {"w", r.GetWidth() * css}, {"h", r.GetHeight() * css},
                                {"in_view", Visible(it->second)}, {"id", a.focus}});
  }
}

void MirrorControl(AppState& s, ImGuiID id, json block) {
  block["id"] = id;
  block["in_modal"] = InModal(GImGui->CurrentWindow);
  if ((GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0) block["disabled"] = true;
  s.a11y.push_back(std::move(block));
}

bool TakeMirrorValue(AppState& s, ImGuiID id, double& value) {
  auto it = s.a11y_state.values.find(id);
  if (it == s.a11y_state.values.end()) return false;
  value = it->second;
  s.a11y_state.values.erase(it);
  return true;
}

}  // namespace pw::web

// ImGui's item hooks (imgui_internal.h, IMGUI_ENABLE_TEST_ENGINE).
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect& bb, ImGuiID id) {
  pw::web::AppState* s = pw::web::StateOf(ctx);
  if (s != nullptr && id != 0) s->a11y_state.items[id] = {bb, ctx->CurrentWindow};
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  pw::web::AppState* s = pw::web::StateOf(ctx);
  if (s == nullptr || id == 0 || label == nullptr || s->a11y_state.described) return;
  const ImGuiWindow* w = ctx->CurrentWindow;
  // A combo's list is a popup the combo's own select stands for (Choice).
  if ((w->Flags & ImGuiWindowFlags_Popup) != 0 && (w->Flags & ImGuiWindowFlags_Modal) == 0) return;
  const std::string text = pw::web::Spoken(label);
  if (text.empty()) return;
  nlohmann::json b = {{"control", "button"}, {"id", id}, {"label", text}, {"in_modal", pw::web::InModal(w)}};
  if ((flags & ImGuiItemStatusFlags_Checkable) != 0) {
    b["control"] = "checkbox";
    b["checked"] = (flags & ImGuiItemStatusFlags_Checked) != 0;
  } else if ((flags & ImGuiItemStatusFlags_Openable) != 0) {
    b["control"] = "disclosure";
    b["expanded"] = (flags & ImGuiItemStatusFlags_Opened) != 0;
  }
  if ((ctx->LastItemData.InFlags & ImGuiItemFlags_Disabled) != 0) b["disabled"] = true;
  s->a11y.push_back(std::move(b));
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
