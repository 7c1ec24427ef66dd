// Account: register, sign in and out. The sign-in form is reused by the join screen.
#include <imgui.h>

#include "../platform/page.h"
#include "state.h"

namespace pw::web {

void DrawSignIn(AppState& s, const std::string& id, std::function<void()> after) {
  // A real <form> of DOM fields: password managers fill it, paste works, Enter signs in.
  const std::string form = "signin-" + id;
  std::string& alias = FormValue(s, form, "alias");
  std::string& password = FormValue(s, form, "password");
  TextField(s, id + ".alias", "Alias", alias, {form, "text", "username", "", 260, 64});
  TextField(s, id + ".password", "Password", password, {form, "password", "current-password", "", 260, 1024});
  auto sign_in = [&s, id, form, after](const std::string& a, const std::string& p) {
    ApiCall(s, "POST", "/sessions", json{{"alias", a}, {"password", p}}, [&s, form, after](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, "Sign-in failed: " + r.problem);
      s.token = r.body["token"];
      s.me = r.body["racer"];
      s.forms.erase(form);  // the password does not stay behind in the page
      SaveSetting("pitwall.token", s.token);
      RefreshRaces(s);
      RefreshModels(s);
      if (after) after();
    });
  };
  const bool enter = TakeSubmit(form);
  if (ImGui::Button(("Sign in##" + id).c_str()) || (enter && s.pending == 0)) sign_in(alias, password);
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
  ImGui::TextDisabled("Aliases are 2-32 characters (unique, ignoring case); passwords at least 8. Enter signs in.");
}

void DrawAccount(AppState& s) {
  s.title = "Account";
  A11yHeading(s, "Account");
  ImGui::Spacing();
  if (s.signed_in()) {
    A11yText(s, "Signed in as " + s.me.value("alias", std::string()));
    ImGui::Text("Signed in as %s", s.me.value("alias", std::string()).c_str());
    ImGui::TextDisabled("Role: %s. Racing terms: %s.", s.me.value("role", std::string()).c_str(),
                        s.me.value("terms_accepted", false) ? "accepted" : "not yet accepted (asked at your first submission)");
    ShowValue(s, "account.alias", s.me.value("alias", std::string()));
    if (ImGui::Button("Sign out")) SignOut(s);
    Tag(s, "account.signout");
    return;
  }
  ImGui::TextUnformatted("Sign in, or register a new racer.");
  A11yText(s, "Sign in, or register a new racer: the form's alias and password fields are on the page.");
  ImGui::Spacing();
  DrawSignIn(s, "account", [&s] { Go(s, Screen::kRaces); });
}

}  // namespace pw::web
