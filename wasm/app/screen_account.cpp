// Account: register, sign in and out. The sign-in form is reused by the join screen.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "../platform/page.h"
#include "state.h"

namespace pw::web {

void DrawSignIn(AppState& s, const std::string& id, std::function<void()> after) {
  static std::map<std::string, std::pair<std::string, std::string>> forms;
  auto& [alias, password] = forms[id];
  ImGui::SetNextItemWidth(260);
  ImGui::InputText(("Alias##" + id).c_str(), &alias);
  Tag(s, id + ".alias");
  ImGui::SetNextItemWidth(260);
  ImGui::InputText(("Password##" + id).c_str(), &password, ImGuiInputTextFlags_Password);
  Tag(s, id + ".password");
  auto sign_in = [&s, id, after](const std::string& a, const std::string& p) {
    ApiCall(s, "POST", "/sessions", json{{"alias", a}, {"password", p}}, [&s, after](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, "Sign-in failed: " + r.problem);
      s.token = r.body["token"];
      s.me = r.body["racer"];
      SaveSetting("pitwall.token", s.token);
      RefreshRaces(s);
      RefreshModels(s);
      if (after) after();
    });
  };
  if (ImGui::Button(("Sign in##" + id).c_str())) sign_in(alias, password);
  Tag(s, id + ".signin");
  ImGui::SameLine();
  if (ImGui::Button(("Register##" + id).c_str())) {
    const std::string a = alias, p = password;
    ApiCall(s, "POST", "/racers", json{{"alias", a}, {"password", p}}, [&s, a, p, sign_in](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, "Registration failed: " + r.problem);
      sign_in(a, p);
    });
  }
  Tag(s, id + ".register");
  ImGui::TextDisabled("Aliases are 2-32 characters (unique, ignoring case); passwords at least 8.");
}

void DrawAccount(AppState& s) {
  ImGui::Spacing();
  if (s.signed_in()) {
    ImGui::Text("Signed in as %s", s.me.value("alias", std::string()).c_str());
    ImGui::TextDisabled("Role: %s. Racing terms: %s.", s.me.value("role", std::string()).c_str(),
                        s.me.value("terms_accepted", false) ? "accepted" : "not yet accepted (asked at your first submission)");
    ShowValue(s, "account.alias", s.me.value("alias", std::string()));
    if (ImGui::Button("Sign out")) SignOut(s);
    Tag(s, "account.signout");
    return;
  }
  ImGui::TextUnformatted("Sign in, or register a new racer.");
  ImGui::Spacing();
  DrawSignIn(s, "account", [&s] { Go(s, Screen::kRaces); });
}

}  // namespace pw::web
