#include "track_view.h"

#include <imgui_internal.h>

#include <string>

#include <algorithm>
#include <cmath>

#include "browser_trial.h"

namespace pw::web {

ImU32 SpeedColour(float v) {
  const float t = std::clamp(v / 4.0f, 0.0f, 1.0f);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(0.2f + 0.8f * t, 0.55f * (1.0f - std::fabs(2.0f * t - 1.0f)) + 0.25f, 1.0f - 0.85f * t, 1.0f));
}

void DrawTrack(const char* id, const Track& track, TrackView& view, ImVec2 size, bool interactive, const std::vector<TrackOverlay>& overlays) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  if (interactive) ImGui::SetItemUsingMouseWheel();  // the wheel (or a pinch) zooms the track, not the page around it
  if (interactive && hovered) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseWheel != 0.0f) {
      // Zoom about the cursor.
      const float old_zoom = view.zoom;
      view.zoom = std::clamp(view.zoom * (io.MouseWheel > 0 ? 1.2f : 1.0f / 1.2f), 0.5f, 20.0f);
      const ImVec2 c(io.MousePos.x - origin.x - size.x / 2 - view.pan.x, io.MousePos.y - origin.y - size.y / 2 - view.pan.y);
      view.pan.x -= c.x * (view.zoom / old_zoom - 1.0f);
      view.pan.y -= c.y * (view.zoom / old_zoom - 1.0f);
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
      view.pan.x += io.MouseDelta.x;
      view.pan.y += io.MouseDelta.y;
    }
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Thousands of short segments: plain quads instead of anti-aliased fringes
  // (a third of the triangles; software WebGL renders noticeably faster).
  const ImDrawListFlags saved_flags = dl->Flags;
  dl->Flags &= ~(ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill);
  dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  dl->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(26, 58, 34, 255));

  const auto& w = track.waypoints();
  double min_x = 1e9, min_y = 1e9, max_x = -1e9, max_y = -1e9;
  for (const Waypoint& p : w)
    for (const Vec2& v : {p.inner, p.outer}) {
      min_x = std::min(min_x, v.x);
      max_x = std::max(max_x, v.x);
      min_y = std::min(min_y, v.y);
      max_y = std::max(max_y, v.y);
    }
  const double margin = 0.06;
  const double scale = std::min(size.x / (max_x - min_x), size.y / (max_y - min_y)) * (1.0 - 2 * margin) * view.zoom;
  const double cx = (min_x + max_x) / 2, cy = (min_y + max_y) / 2;
  auto P = [&](Vec2 v) {  // world (y up) to screen (y down)
    return ImVec2(static_cast<float>(origin.x + size.x / 2 + view.pan.x + (v.x - cx) * scale),
                  static_cast<float>(origin.y + size.y / 2 + view.pan.y - (v.y - cy) * scale));
  };

  const size_t n = w.size();
  const size_t segs = track.closed() ? n : n - 1;
  const ImU32 road = IM_COL32(70, 74, 80, 255);
  // The road between consecutive spans across it (not the file's border pairs,
  // which on real tracks may lie far along the road and cut across the grass).
  for (size_t i = 0; i < segs; ++i) {
    const Track::Span a = track.SpanAt(static_cast<int>(i)), b = track.SpanAt(static_cast<int>((i + 1) % n));
    dl->AddTriangleFilled(P(a.left), P(b.left), P(b.right), road);
    dl->AddTriangleFilled(P(a.left), P(b.right), P(a.right), road);
  }
  const float border = std::max(1.0f, static_cast<float>(0.03 * scale));
  for (size_t i = 0; i < segs; ++i) {
    const Waypoint& a = w[i];
    const Waypoint& b = w[(i + 1) % n];
    dl->AddLine(P(a.inner), P(b.inner), IM_COL32(235, 235, 235, 255), border);
    dl->AddLine(P(a.outer), P(b.outer), IM_COL32(235, 235, 235, 255), border);
    if (i % 2 == 0) dl->AddLine(P(a.center), P(b.center), IM_COL32(230, 200, 60, 160), std::max(1.0f, border * 0.6f));
  }
  // Start line, chequered, and the direction of travel.
  const Track::Span s0 = track.SpanAt(0);
  for (int k = 0; k < 6; ++k)
    dl->AddLine(P(Lerp(s0.left, s0.right, k / 6.0)), P(Lerp(s0.left, s0.right, (k + 1) / 6.0)),
                k % 2 ? IM_COL32(20, 20, 20, 255) : IM_COL32(250, 250, 250, 255), std::max(2.0f, border * 2.5f));
  {
    const double s = std::min(1.2, track.length_m() * 0.04);
    const Vec2 c = track.CenterAt(s), t = track.TangentAt(s), nrm = LeftNormal(t);
    const double len = std::max(0.25, 14.0 / scale);
    dl->AddTriangleFilled(P(c + t * len), P(c - t * (len * 0.5) + nrm * (len * 0.5)), P(c - t * (len * 0.5) - nrm * (len * 0.5)),
                          IM_COL32(228, 87, 46, 255));
  }

  for (const TrackOverlay& overlay : overlays) {
    if (overlay.line != nullptr && overlay.line_colours != nullptr) {
      const auto& l = *overlay.line;
      for (size_t i = 1; i < l.size() && i < overlay.line_colours->size(); ++i)
        if (Distance(l[i - 1], l[i]) <= 0.6) dl->AddLine(P(l[i - 1]), P(l[i]), (*overlay.line_colours)[i], std::max(2.0f, border * overlay.line_width));
    }
    if (overlay.marks != nullptr) {
      const float r = std::max(4.0f, border * 3.0f);
      for (const Vec2& m : *overlay.marks) {
        const ImVec2 c = P(m);
        dl->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), IM_COL32(255, 60, 60, 255), std::max(2.0f, border));
        dl->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), IM_COL32(255, 60, 60, 255), std::max(2.0f, border));
      }
    }
    if (overlay.course != nullptr) {
      // Boxes in cardboard brown, bot cars in slate with a white nose.
      const Frame at = overlay.path && !overlay.path->empty()
                           ? (*overlay.path)[static_cast<size_t>(std::clamp(overlay.upto < 0 ? static_cast<int>(overlay.path->size()) - 1 : overlay.upto, 0,
                                                                            static_cast<int>(overlay.path->size()) - 1))]
                           : Frame{};
      for (const CourseObject& o : overlay.course->At(at)) {
        const Footprint& fp = o.footprint;
        const Vec2 fwd{std::cos(fp.heading_rad), std::sin(fp.heading_rad)}, left = LeftNormal(fwd);
        const Vec2 hl = fwd * fp.half_length, hw = left * fp.half_width;
        const ImU32 fill = o.kind == ObjectKind::kBox ? IM_COL32(176, 124, 66, 255) : IM_COL32(96, 110, 160, 255);
        dl->AddQuadFilled(P(fp.center + hl + hw), P(fp.center - hl + hw), P(fp.center - hl - hw), P(fp.center + hl - hw), fill);
        dl->AddQuad(P(fp.center + hl + hw), P(fp.center - hl + hw), P(fp.center - hl - hw), P(fp.center + hl - hw), IM_COL32(20, 20, 20, 255),
                    std::max(1.0f, border * 0.5f));
        if (o.kind == ObjectKind::kBot) dl->AddCircleFilled(P(fp.center + hl), std::max(2.0f, border), IM_COL32(255, 255, 255, 255));
      }
    }
    if (!overlay.path || overlay.path->empty()) continue;
    const auto& f = *overlay.path;
    const int upto = overlay.upto < 0 ? static_cast<int>(f.size()) - 1 : std::min(overlay.upto, static_cast<int>(f.size()) - 1);
    for (int i = 1; i <= upto; ++i) {
      if (f[static_cast<size_t>(i)].held) continue;
      const Vec2 a{f[static_cast<size_t>(i - 1)].x, f[static_cast<size_t>(i - 1)].y}, b{f[static_cast<size_t>(i)].x, f[static_cast<size_t>(i)].y};
      if (Distance(a, b) > 0.6) continue;  // a reset
      const ImU32 colour = overlay.speed_colours ? SpeedColour(f[static_cast<size_t>(i)].speed) : (overlay.car & 0x90FFFFFF);
      dl->AddLine(P(a), P(b), colour, std::max(2.0f, border * 1.5f));
    }
    // The car: a 0.196 x 0.324 m box around its middle.
    const Frame& car = f[static_cast<size_t>(std::max(0, upto))];
    const Vec2 fwd{std::cos(car.heading), std::sin(car.heading)}, left = LeftNormal(fwd);
    const Vec2 mid = Vec2{car.x, car.y} + fwd * 0.082;
    const Vec2 hl = fwd * 0.162, hw = left * 0.098;
    dl->AddQuadFilled(P(mid + hl + hw), P(mid - hl + hw), P(mid - hl - hw), P(mid + hl - hw), overlay.car);
    dl->AddCircleFilled(P(mid + hl), std::max(2.0f, border), IM_COL32(255, 255, 255, 255));
  }
  dl->PopClipRect();
  dl->Flags = saved_flags;
}

bool ResetViewButton(const char* id, TrackView& view) {
  if (view.zoom == 1.0f && view.pan.x == 0.0f && view.pan.y == 0.0f) return false;
  if (!ImGui::SmallButton((std::string("Reset view##") + id).c_str())) return false;
  view = TrackView{};
  return true;
}

}  // namespace pw::web
