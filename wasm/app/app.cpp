#include "app.h"

#include <imgui_internal.h>

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
  s.probe_items[name] = {{"x", a.x}, {"y", a.y}, {"w", b.x - a.x}, {"h", b.y - a.y}};
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
  if (path == "/garage") return Go(s_, Screen::kGarage);
  if (path == "/organiser") return Go(s_, Screen::kOrganiser);
  if (path == "/account") return Go(s_, Screen::kAccount);
  Go(s_, Screen::kRaces);
}

void App::TopBar() {
  ImGui::TextColored(ImVec4(0.89f, 0.34f, 0.18f, 1.0f), "PITWALL");
  ImGui::SameLine(0, 24);
  struct Tab {
    const char* label;
    Screen screen;
  };
  for (const Tab& t : {Tab{"Races", Screen::kRaces}, Tab{"Garage", Screen::kGarage}, Tab{"Organiser", Screen::kOrganiser},
                       Tab{"Account", Screen::kAccount}}) {
    const bool active = s_.screen == t.screen || (t.screen == Screen::kRaces && s_.screen == Screen::kRace);
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.89f, 0.34f, 0.18f, 1.0f));
    else ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.2f, 0.24f, 0.28f, 1.0f));
    if (ImGui::Button(t.label)) Go(s_, t.screen);
    ImGui::PopStyleColor();
    Tag(s_, std::string("nav.") + t.label);
    ImGui::SameLine();
  }
  ImGui::SameLine(0, 24);
  if (s_.signed_in()) ImGui::Text("%s%s", s_.me.value("alias", std::string()).c_str(), s_.me.value("role", "") == "admin" ? " (admin)" : "");
  else ImGui::TextDisabled("not signed in");
  if (s_.pending > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("  working...");
  }
  ImGui::Separator();
  // Errors, newest first, each for 8 seconds.
  const double now = NowMs();
  s_.errors.erase(std::remove_if(s_.errors.begin(), s_.errors.end(), [now](const auto& e) { return e.second < now; }), s_.errors.end());
  for (auto it = s_.errors.rbegin(); it != s_.errors.rend(); ++it) ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.48f, 1.0f), "%s", it->first.c_str());
  if (!s_.errors.empty()) ShowValue(s_, "error", s_.errors.back().first);
}

void App::Frame(double dt_ms) {
  s_.probe_items = json::object();
  s_.probe_values = json::object();
  ++s_.frame;
  if (s_.first_frame_ms < 0) s_.first_frame_ms = NowMs();

  // Follow the browser's back and forward buttons.
  static std::string last_path = CurrentPath();
  const std::string path = CurrentPath();
  if (path != last_path) {
    last_path = path;
    Route(path);
  }
  // Live data for the race on screen.
  if (s_.screen == Screen::kRace && NowMs() > s_.next_poll_ms[s_.race_id]) PollRace(s_, s_.race_id);
  if (s_.garage_trial) AdvanceTrialRun(s_, *s_.garage_trial, dt_ms);
  if (s_.compare_trial) AdvanceTrialRun(s_, *s_.compare_trial, dt_ms);
  AdvanceWatch(s_, dt_ms);

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("Pitwall", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                       ImGuiWindowFlags_NoBringToFrontOnFocus);
  TopBar();
  switch (s_.screen) {
    case Screen::kRaces: DrawRaces(s_); break;
    case Screen::kRace: DrawRace(s_); break;
    case Screen::kGarage: DrawGarage(s_); break;
    case Screen::kOrganiser: DrawOrganiser(s_); break;
    case Screen::kAccount: DrawAccount(s_); break;
    case Screen::kJoin: DrawJoin(s_); break;
  }
  ImGui::End();

  // The probe for the tests (and anyone curious): what is on screen, where.
  json probe = {{"screen", ScreenName(s_.screen)}, {"frame", s_.frame}, {"first_frame_ms", s_.first_frame_ms},
                {"signed_in", s_.signed_in()}, {"pending", s_.pending}, {"items", s_.probe_items}, {"values", s_.probe_values}};
  const std::string text = probe.dump();
  if (text != s_.last_probe) {
    s_.last_probe = text;
    PublishProbe(text);
  }
}

}  // namespace pw::web
