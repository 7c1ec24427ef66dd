// Controls the platform serves with real DOM elements (text fields), and the
// accessible mirror each screen fills as it draws.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../platform/clipboard.h"
#include "../platform/dom.h"
#include "../platform/page.h"
#include "state.h"

namespace pw::web {

bool TextField(AppState& s, const std::string& name, const char* label, std::string& value, const TextFieldOptions& o) {
  const size_t spoken = std::string(label).find("##");
  const std::string shown = std::string(label).substr(0, spoken);
  // As wide as asked, but never wider than the room left beside its label (phones).
  const float label_w = !shown.empty() ? ImGui::CalcTextSize(shown.c_str()).x + ImGui::GetStyle().ItemInnerSpacing.x : 0.0f;
  const float w = std::max(s.Px(60), std::min(s.Px(o.width), ImGui::GetContentRegionAvail().x - label_w)), h = ImGui::GetFrameHeight();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  // The field's place: ImGui draws its frame (seen while the page starts), the DOM input lies over it.
  ImGui::InvisibleButton(("##field." + name).c_str(), ImVec2(w, h));
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ImGui::GetWindowDrawList()->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_FrameBg), ImGui::GetStyle().FrameRounding);
  Tag(s, name);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::TextUnformatted(shown.c_str());
  // Only where it is wholly visible and nothing modal covers it.
  const ImRect clip(ImGui::GetWindowDrawList()->GetClipRectMin(), ImGui::GetWindowDrawList()->GetClipRectMax());
  if (!clip.Contains(ImRect(a, b)) || ImGui::GetTopMostPopupModal() != nullptr) return false;
  DomField f;
  f.id = name;
  f.form = o.form;
  f.label = shown.empty() && spoken != std::string::npos ? std::string(label).substr(spoken + 2) : shown;
  f.type = o.type;
  f.autocomplete = o.autocomplete;
  f.placeholder = o.placeholder;
  f.max_length = o.max_length;
  const float css = 1.0f / s.px_per_css;
  f.x = at.x * css;
  f.y = at.y * css;
  f.w = w * css;
  f.h = h * css;
  f.font_px = ImGui::GetFontSize() * css;
  s.a11y.push_back({{"field", name}, {"form", o.form}});
  return ShowDomField(f, value);
}

bool TakeSubmit(const std::string& form) { return TakeDomSubmit(form); }

void FitNextItem(AppState& s, float design, const char* label) {
  const char* end = label;
  while (*end != '\0' && !(end[0] == '#' && end[1] == '#')) ++end;
  const float label_w = end != label ? ImGui::CalcTextSize(label, end).x + ImGui::GetStyle().ItemInnerSpacing.x : 0.0f;
  ImGui::SetNextItemWidth(std::max(s.Px(60), std::min(s.Px(design), ImGui::GetContentRegionAvail().x - label_w)));
}

void SameLineIfRoom(const AppState& s) {
  if (!s.narrow) ImGui::SameLine();
}

void CopyButton(AppState& s, const std::string& name, const std::string& text) {
  const double now = NowMs();
  auto it = s.copied_until.find(name);
  const bool copied = it != s.copied_until.end() && it->second > now;
  if (ImGui::SmallButton(((copied ? "Copied" : "Copy") + std::string("##") + name).c_str())) {
    CopyToClipboard(text);
    s.copied_until[name] = now + 2000;
    s.wake_at.push_back(now + 2001);
  }
  Tag(s, name);
  if (copied) {
    ShowValue(s, name + ".copied", true);
    A11yStatus(s, "Copied to the clipboard.");
  }
}

void OpenConfirm(AppState& s, const std::string& id) {
  (void)s;
  ImGui::OpenPopup(id.c_str());
}

bool Confirm(AppState& s, const std::string& id, const std::string& question, const char* yes, const char* no) {
  // Centred on the screen; if the pointer is near the middle, the dialog opens below it instead.
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 mouse = ImGui::GetMousePos();
  ImVec2 at(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.35f);
  ImVec2 pivot(0.5f, 0.5f);
  if (std::fabs(mouse.y - at.y) < s.Px(120)) {
    at.y = mouse.y + s.Px(48);
    pivot.y = 0.0f;
  }
  ImGui::SetNextWindowPos(at, ImGuiCond_Appearing, pivot);
  bool confirmed = false;
  if (ImGui::BeginPopupModal(id.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::PushTextWrapPos(s.Px(420));
    ImGui::TextUnformatted(question.c_str());
    ImGui::PopTextWrapPos();
    A11yStatus(s, question);
    ImGui::Spacing();
    if (ImGui::Button(no)) ImGui::CloseCurrentPopup();
    Tag(s, id + ".no");
    ImGui::SameLine(0, s.Px(32));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.16f, 0.12f, 1.0f));
    if (ImGui::Button(yes)) {
      confirmed = true;
      ImGui::CloseCurrentPopup();
    }
    ImGui::PopStyleColor();
    Tag(s, id + ".yes");
    ImGui::EndPopup();
  }
  return confirmed;
}

bool Choice(AppState& s, const std::string& tag, const std::string& label, const std::string& name, int& index,
            const std::vector<ChoiceOption>& options, const char* placeholder) {
  const int n = static_cast<int>(options.size());
  const std::string preview = index >= 0 && index < n ? options[index].text : (placeholder != nullptr ? placeholder : "");
  const std::string imgui_label = label + "##" + tag;
  const ImGuiID id = ImGui::GetID(imgui_label.c_str());
  bool changed = false;
  double v = 0;
  const int first = placeholder != nullptr ? 1 : 0;  // the mirror's select lists the placeholder first
  if (TakeMirrorValue(s, id, v) && static_cast<int>(v) - first >= 0 && static_cast<int>(v) - first < n) {
    index = static_cast<int>(v) - first;
    changed = true;
  }
  if (ImGui::BeginCombo(imgui_label.c_str(), preview.c_str())) {
    for (int i = 0; i < n; ++i) {
      if (ImGui::Selectable((options[i].text + "##" + options[i].key).c_str(), i == index)) {
        changed = changed || i != index;
        index = i;
      }
      Tag(s, tag + "." + options[i].key);
    }
    ImGui::EndCombo();
  }
  TagItem(s, tag, id);
  json texts = json::array();
  if (placeholder != nullptr) texts.push_back(placeholder);
  for (const auto& o : options) texts.push_back(o.text);
  MirrorControl(s, id, {{"control", "select"}, {"label", name}, {"options", texts}, {"value", index >= 0 && index < n ? index + first : 0}});
  return changed;
}

bool Slider(AppState& s, const std::string& label, int& v, int lo, int hi) {
  const ImGuiID id = ImGui::GetID(label.c_str());
  double set = 0;
  bool changed = false;
  if (TakeMirrorValue(s, id, set)) {
    v = std::clamp(static_cast<int>(std::lround(set)), lo, hi);
    changed = true;
  }
  s.a11y_state.described = true;
  changed = ImGui::SliderInt(label.c_str(), &v, lo, hi) || changed;
  s.a11y_state.described = false;
  const std::string name = label.substr(0, label.find("##"));
  MirrorControl(s, id, {{"control", "range"}, {"label", name}, {"min", lo}, {"max", hi}, {"step", 1}, {"value", v}, {"text", std::to_string(v)}});
  return changed;
}

bool SliderSeconds(AppState& s, const std::string& label, const std::string& name, float& v, float lo, float hi) {
  return SliderNumber(s, label, name, v, lo, hi, 0.1f, "%.2f s", "%.2f seconds");
}

bool SliderNumber(AppState& s, const std::string& label, const std::string& name, float& v, float lo, float hi, float step, const char* format,
                  const char* spoken) {
  const ImGuiID id = ImGui::GetID(label.c_str());
  double set = 0;
  bool changed = false;
  if (TakeMirrorValue(s, id, set)) {
    v = std::clamp(static_cast<float>(set), lo, hi);
    changed = true;
  }
  s.a11y_state.described = true;
  changed = ImGui::SliderFloat(label.c_str(), &v, lo, hi, format) || changed;
  s.a11y_state.described = false;
  char text[64];
  std::snprintf(text, sizeof text, spoken, v);
  MirrorControl(s, id, {{"control", "range"}, {"label", name}, {"min", lo}, {"max", hi}, {"step", step}, {"value", v}, {"text", text}});
  return changed;
}

namespace {
/// The chart's frame: its rectangle, taken as one item (hover shows values).
ImRect ChartFrame(const char* id, float height) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton(id, ImVec2(w, height));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(at, ImVec2(at.x + w, at.y + height), IM_COL32(24, 28, 32, 255));
  return ImRect(at, ImVec2(at.x + w, at.y + height));
}
}  // namespace

void LineChart(AppState& s, const char* id, const std::vector<double>& x, const std::vector<ChartSeries>& series, float height,
               const char* unit, const std::vector<double>& x_marks) {
  if (x.size() < 2) return;
  const ImRect r = ChartFrame(id, s.Px(height));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  double lo = 0, hi = 0;
  bool any = false;
  for (const ChartSeries& c : series)
    for (double v : *c.y) {
      if (v < -1e8) continue;  // no value there
      lo = any ? std::min(lo, v) : v;
      hi = any ? std::max(hi, v) : v;
      any = true;
    }
  if (!any) return;
  if (hi - lo < 1e-9) hi = lo + 1;
  const float pad = s.Px(4);
  const double x0 = x.front(), x1 = x.back();
  auto X = [&](double v) { return r.Min.x + pad + static_cast<float>((v - x0) / (x1 - x0)) * (r.GetWidth() - 2 * pad); };
  auto Y = [&](double v) { return r.Max.y - pad - static_cast<float>((v - lo) / (hi - lo)) * (r.GetHeight() - 2 * pad); };
  dl->PushClipRect(r.Min, r.Max, true);
  for (double m : x_marks) dl->AddLine(ImVec2(X(m), r.Min.y), ImVec2(X(m), r.Max.y), IM_COL32(90, 100, 110, 255), 1.0f);
  if (lo < 0 && hi > 0) dl->AddLine(ImVec2(r.Min.x, Y(0)), ImVec2(r.Max.x, Y(0)), IM_COL32(150, 150, 150, 255), 1.0f);
  std::vector<ImVec2> points;
  for (const ChartSeries& c : series) {
    points.clear();
    for (size_t i = 0; i < x.size() && i < c.y->size(); ++i)
      if ((*c.y)[i] >= -1e8) points.push_back(ImVec2(X(x[i]), Y((*c.y)[i])));
    dl->AddPolyline(points.data(), static_cast<int>(points.size()), c.colour, 0, s.Px(1.5f));
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %s", hi, unit);
  dl->AddText(ImVec2(r.Min.x + pad, r.Min.y + pad * 0.5f), IM_COL32(170, 170, 170, 255), text);
  std::snprintf(text, sizeof text, "%.2f %s", lo, unit);
  dl->AddText(ImVec2(r.Min.x + pad, r.Max.y - ImGui::GetFontSize() - pad * 0.5f), IM_COL32(170, 170, 170, 255), text);
  dl->PopClipRect();
  if (ImGui::IsItemHovered()) {
    const float mx = ImGui::GetIO().MousePos.x;
    const double at = x0 + (mx - r.Min.x - pad) / (r.GetWidth() - 2 * pad) * (x1 - x0);
    const size_t i = std::min(x.size() - 1, static_cast<size_t>(std::lower_bound(x.begin(), x.end(), at) - x.begin()));
    dl->AddLine(ImVec2(X(x[i]), r.Min.y), ImVec2(X(x[i]), r.Max.y), IM_COL32(220, 220, 220, 160), 1.0f);
    ImGui::BeginTooltip();
    ImGui::Text("at %.2f m", x[i]);
    for (const ChartSeries& c : series)
      if (i < c.y->size()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(c.colour), "%s: %.2f %s", c.name, (*c.y)[i], unit);
    ImGui::EndTooltip();
  }
}

void BarChart(AppState& s, const char* id, const std::vector<int>& counts, const std::vector<std::string>& labels, float height) {
  if (counts.empty()) return;
  const ImRect r = ChartFrame(id, s.Px(height));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int top = std::max(1, *std::max_element(counts.begin(), counts.end()));
  const float pad = s.Px(4), label_h = ImGui::GetFontSize() + pad;
  const float bw = (r.GetWidth() - 2 * pad) / static_cast<float>(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    const float h = (r.GetHeight() - 2 * pad - label_h) * static_cast<float>(counts[i]) / static_cast<float>(top);
    const float x = r.Min.x + pad + bw * static_cast<float>(i);
    dl->AddRectFilled(ImVec2(x + 1, r.Max.y - pad - label_h - h), ImVec2(x + bw - 1, r.Max.y - pad - label_h), IM_COL32(228, 87, 46, 220));
    if (i < labels.size() && (i % std::max<size_t>(1, counts.size() / 6) == 0 || i + 1 == counts.size()))
      dl->AddText(ImVec2(x, r.Max.y - label_h), IM_COL32(170, 170, 170, 255), labels[i].c_str());
  }
  if (ImGui::IsItemHovered()) {
    const size_t i = std::min(counts.size() - 1, static_cast<size_t>(std::max(0.0f, (ImGui::GetIO().MousePos.x - r.Min.x - pad) / bw)));
    ImGui::SetTooltip("%s: %d steps", i < labels.size() ? labels[i].c_str() : "", counts[i]);
  }
}

std::string& FormValue(AppState& s, const std::string& form, const std::string& field) { return s.forms[form][field]; }

void A11yHeading(AppState& s, const std::string& text) { s.a11y.push_back({{"h", text}}); }
void A11yText(AppState& s, const std::string& text) { s.a11y.push_back({{"p", text}}); }
void A11yTable(AppState& s, const std::string& caption, const std::vector<std::string>& columns,
               const std::vector<std::vector<std::string>>& rows) {
  s.a11y.push_back({{"table", caption}, {"columns", columns}, {"rows", rows}});
}
void A11yStatus(AppState& s, const std::string& text) { s.a11y.push_back({{"status", text}}); }

}  // namespace pw::web
