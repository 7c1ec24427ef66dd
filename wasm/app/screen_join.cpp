// Join: what an invitation link leads to; sign in or register, then join and
// land on the race.
#include "state.h"

namespace pw::web {

void DrawJoin(AppState& s) {
  s.title = "Invitation";
  A11yHeading(s, "Invitation");
  JoinScreen& j = s.join;
  if (j.loaded_for != s.join_token) {
    j.loaded_for = s.join_token;
    j.preview = nullptr;
    j.problem.clear();
    ApiCall(s, "GET", "/invitations/" + s.join_token, nullptr, [&s, token = s.join_token](const ApiResult& r) {
      if (s.join.loaded_for != token) return;  // another invitation since
      if (r.ok()) s.join.preview = r.body["race"];
      else s.join.problem = r.problem;
    });
  }
  ImGui::Spacing();
  if (!j.problem.empty()) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", j.problem.c_str());
    A11yStatus(s, j.problem);
    ShowValue(s, "join.problem", j.problem);
    return;
  }
  if (!j.preview.is_object()) return ImGui::TextDisabled("Checking the invitation...");
  ImGui::Text("%s invites you to \"%s\"", j.preview["organiser"].get<std::string>().c_str(), j.preview["name"].get<std::string>().c_str());
  ImGui::TextDisabled("%s, %s, closes %s", j.preview["track"].get<std::string>().c_str(), j.preview["status"].get<std::string>().c_str(),
                      ShortTime(j.preview["closes_at"]).c_str());
  if (!j.preview["description"].get<std::string>().empty()) ImGui::TextWrapped("%s", j.preview["description"].get<std::string>().c_str());
  ShowValue(s, "join.race", j.preview["name"]);
  A11yText(s, j.preview["organiser"].get<std::string>() + " invites you to " + j.preview["name"].get<std::string>() + ".");
  auto join = [&s] {
    ApiCall(s, "POST", "/invitations/" + s.join_token + "/redeem", json::object(), [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, "Could not join: " + r.problem);
      RefreshRaces(s);
      Go(s, Screen::kRace, r.body["id"]);
    });
  };
  ImGui::Spacing();
  if (s.signed_in()) {
    if (ImGui::Button("Join the race")) join();
    Tag(s, "join.join");
  } else {
    ImGui::TextUnformatted("Sign in, or register, to join:");
    DrawSignIn(s, "join", join);
  }
}

}  // namespace pw::web
