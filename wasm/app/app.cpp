#include "app.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../platform/dom.h"
#include "../platform/page.h"
#include "../platform/routes.h"

namespace pw::web {

const char* ScreenName(Screen s) {
  switch (s) {
    case Screen::kRaces: return "races";
    case Screen::kRace: return "race";
    case Screen::kGarage: return "garage";
    case Screen::kOrganiser: return "organiser";
    case Screen::kAccount: return "account";
    case Screen::kJoin: return "join";
  }
  return "?";
}

void Tag(AppState& s, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  if (!ImGui::IsItemVisible()) return;
  const float css = 1.0f / s.px_per_css;  // the probe speaks CSS pixels, as the page does
  s.probe_items[name] = {{"x", a.x * css}, {"y", a.y * css}, {"w", (b.x - a.x) * css}, {"h", (b.y - a.y) * css}};
}

void TagItem(AppState& s, const std::string& name, ImGuiID id) {
  auto it = s.a11y_state.items.find(id);
  if (it == s.a11y_state.items.end() || it->second.window == nullptr || !it->second.window->ClipRect.Overlaps(it->second.rect)) return;
  const float css = 1.0f / s.px_per_css;
  const ImRect& r = it->second.rect;
  s.probe_items[name] = {{"x", r.Min.x * css}, {"y", r.Min.y * css}, {"w", r.GetWidth() * css}, {"h", r.GetHeight() * css}};
}

void ShowValue(AppState& s, const std::string& key, const json& value) { s.probe_values[key] = value; }

void Go(AppState& s, Screen screen, int64_t race_id) {
  s.screen = screen;
  s.race_id = race_id;
  std::string path = "/";
  switch (screen) {
    case Screen::kRaces: path = "/"; RefreshRaces(s); break;
    case Screen::kRace: path = "/races/" + std::to_string(race_id); LoadRace(s, race_id); break;
    case Screen::kGarage: path = "/garage"; RefreshModels(s); RefreshTracks(s); break;
    case Screen::kOrganiser: path = "/organiser"; RefreshRaces(s); RefreshTracks(s); break;
    case Screen::kAccount: path = "/account"; break;
    case Screen::kJoin: path = "/join/" + s.join_token; break;
  }
  if (CurrentPath() != path) NavigateTo(path);
}

App::App() {
  ImGuiStyle& style = ImGui::GetStyle();
  ImGui::StyleColorsDark();
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.Colors[ImGuiCol_Button] = ImVec4(0.89f, 0.34f, 0.18f, 0.75f);
  style.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.95f, 0.42f, 0.25f, 1.0f);
  style.Colors[ImGuiCol_ButtonActive] = ImVec4(0.75f, 0.27f, 0.13f, 1.0f);
  s_.token = LoadSetting("pitwall.token");
  LoadMe(s_);
  RefreshTracks(s_);
  Route(CurrentPath());
  s_.last_path = CurrentPath();
}

void App::Route(const std::string& path) {
  if (path.rfind("/races/", 0) == 0) {
    const int64_t id = std::atoll(path.c_str() + 7);
    if (id > 0) return Go(s_, Screen::kRace, id);
  }
  if (path.rfind("/join/", 0) == 0) {
    s_.join_token = path.substr(6);
    return Go(s_, Screen::kJoin);
  }
  if (path == "/races") return Go(s_, Screen::kRaces);
  if (path == "/garage") return Go(s_, Screen::kGarage);
  if (path == "/organiser") return Go(s_, Screen::kOrganiser);
  if (path == "/account") return Go(s_, Screen::kAccount);
  Go(s_, Screen::kRaces);
}

void App::TopBar() {
  // Wide: the name, the tabs and who is signed in on one line. Narrow: the name and who is signed
  // in, then the tabs sharing the whole width (each a finger wide).
  ImGui::TextColored(ImVec4(0.89f, 0.34f, 0.18f, 1.0f), "PITWALL");
  auto who = [this] {
    if (s_.signed_in()) ImGui::Text("%s%s", s_.me.value("alias", std::string()).c_str(), s_.me.value("role", "") == "admin" ? " (admin)" : "");
    else ImGui::TextDisabled("not signed in");
    if (s_.pending > 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("  working...");
    }
  };
  if (s_.narrow) {
    ImGui::SameLine(0, s_.Px(16));
    who();
  } else {
    ImGui::SameLine(0, s_.Px(24));
  }
  struct Tab {
    const char* label;
    Screen screen;
  };
  const Tab tabs[] = {{"Races", Screen::kRaces}, {"Garage", Screen::kGarage}, {"Organiser", Screen::kOrganiser}, {"Account", Screen::kAccount}};
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float share = (ImGui::GetContentRegionAvail().x - 3 * spacing) / 4;
  if (s_.narrow) ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(s_.Px(2), ImGui::GetStyle().FramePadding.y));
  for (const Tab& t : tabs) {
    const bool active = s_.screen == t.screen || (t.screen == Screen::kRaces && s_.screen == Screen::kRace);
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.89f, 0.34f, 0.18f, 1.0f));
    else ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.2f, 0.24f, 0.28f, 1.0f));
    if (ImGui::Button(t.label, ImVec2(s_.narrow ? share : 0.0f, 0.0f))) Go(s_, t.screen);
    ImGui::PopStyleColor();
    Tag(s_, std::string("nav.") + t.label);
    if (&t != &tabs[3]) ImGui::SameLine();
  }
  if (s_.narrow) ImGui::PopStyleVar();
  if (!s_.narrow) {
    ImGui::SameLine(0, s_.Px(24));
    who();
  }
  ImGui::Separator();
  // Errors, newest first, each for 8 seconds.
  const double now = NowMs();
  s_.errors.erase(std::remove_if(s_.errors.begin(), s_.errors.end(), [now](const auto& e) { return e.second < now; }), s_.errors.end());
  for (auto it = s_.errors.rbegin(); it != s_.errors.rend(); ++it) ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.48f, 1.0f), "%s", it->first.c_str());
  if (!s_.errors.empty()) {
    ShowValue(s_, "error", s_.errors.back().first);
    A11yStatus(s_, s_.errors.back().first);
  }
}

bool App::Animating() const {
  const auto moving = [](const std::unique_ptr<TrialRun>& r) {
    return r && (r->phase == TrialRun::Phase::kDownloading || r->phase == TrialRun::Phase::kLoading ||
                 r->phase == TrialRun::Phase::kRunning || (r->phase == TrialRun::Phase::kDone && r->playing));
  };
  // (A replay that is loading waits for answers, which wake the app.)
  const bool watching = !s_.watch.empty() && s_.watch_playing;
  const ImGuiIO& io = ImGui::GetIO();
  bool mouse_down = false;
  for (bool d : io.MouseDown) mouse_down = mouse_down || d;
  // (Requests in flight draw nothing: their answers wake the app. A frame in software GL at 2x takes
  // ~100 ms, and answers were handled only between frames.)
  return s_.a11y_state.busy() || moving(s_.garage_trial) || moving(s_.compare_trial) || watching || mouse_down || ImGui::IsAnyItemActive();
}

double App::NextWakeMs() const {
  double next = std::numeric_limits<double>::infinity();
  if (s_.screen == Screen::kRace) {
    auto it = s_.next_poll_ms.find(s_.race_id);
    next = it == s_.next_poll_ms.end() ? 0.0 : it->second + 1.0;
  }
  for (const auto& e : s_.errors) next = std::min(next, e.second + 1.0);
  for (double t : s_.wake_at) next = std::min(next, t);
  return next;
}

void App::Frame(double dt_ms) {
  s_.probe_items = json::object();
  s_.probe_values = json::object();
  s_.a11y = json::array();
  const double now_ms = NowMs();
  s_.wake_at.erase(std::remove_if(s_.wake_at.begin(), s_.wake_at.end(), [now_ms](double t) { return t <= now_ms; }), s_.wake_at.end());
  StartA11yFrame(s_);
  ++s_.frame;
  if (s_.first_frame_ms < 0) s_.first_frame_ms = NowMs();

  // Follow the browser's back and forward buttons.
  const std::string path = CurrentPath();
  if (path != s_.last_path) {
    s_.last_path = path;
    Route(path);
  }
  // Live data for the race on screen.
  if (s_.screen == Screen::kRace && NowMs() > s_.next_poll_ms[s_.race_id]) PollRace(s_, s_.race_id);
  if (s_.garage_trial) AdvanceTrialRun(s_, *s_.garage_trial, dt_ms);
  if (s_.compare_trial) AdvanceTrialRun(s_, *s_.compare_trial, dt_ms);
  AdvanceWatch(s_, dt_ms);

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  s_.narrow = vp->Size.x / s_.px_per_css < 700.0f;
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("Pitwall", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                       ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::LogToBuffer(0);  // lays out every item, in view or not, for the mirror (a11y.h); opens no tree
  TopBar();
  switch (s_.screen) {
    case Screen::kRaces: DrawRaces(s_); break;
    case Screen::kRace: DrawRace(s_); break;
    case Screen::kGarage: DrawGarage(s_); break;
    case Screen::kOrganiser: DrawOrganiser(s_); break;
    case Screen::kAccount: DrawAccount(s_); break;
    case Screen::kJoin: DrawJoin(s_); break;
  }
  // Touch: a finger dragged where no control took it scrolls what is under it.
  if (s_.touch) {
    const ImGuiIO& io = ImGui::GetIO();
    ImGuiWindow* hovered = GImGui->HoveredWindow;
    if (io.MouseDown[0] && !ImGui::IsAnyItemActive() && hovered != nullptr && io.MouseDelta.y != 0.0f)
      ImGui::SetScrollY(hovered, hovered->Scroll.y - io.MouseDelta.y);
  }
  ImGui::LogFinish();
  s_.scroll_css = ImGui::GetScrollY() / s_.px_per_css;
  ImGui::End();
  FinishA11yFrame(s_);

  // The page's title and the accessible mirror follow the screen.
  if (s_.title != s_.last_title) {
    s_.last_title = s_.title;
    SetTitle(s_.title.empty() ? "Pitwall" : s_.title + " \u00b7 Pitwall");
  }
  const std::string mirror = s_.a11y.dump();
  if (mirror != s_.last_a11y) {
    s_.last_a11y = mirror;
    PublishA11y(mirror);
  }

  // The probe for the tests (and anyone curious): what is on screen, where.
  json probe = {{"screen", ScreenName(s_.screen)}, {"frame", s_.frame}, {"first_frame_ms", s_.first_frame_ms}, {"scale", s_.ui_scale},
                {"px_per_css", s_.px_per_css}, {"scroll", s_.scroll_css},
                {"signed_in", s_.signed_in()}, {"pending", s_.pending}, {"items", s_.probe_items}, {"values", s_.probe_values}};
  const std::string text = probe.dump();
  if (text != s_.last_probe) {
    s_.last_probe = text;
    PublishProbe(text);
  }
}

}  // namespace pw::web
