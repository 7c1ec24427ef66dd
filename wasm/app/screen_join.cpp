// Join: what an invitation link leads to; sign in or register, then join and
// land on the race.
#include "state.h"

namespace pw::web {

void DrawJoin(AppState& s) {
  s.title = "Invitation";
  A11yHeading(s, "Invitation");
  static std::string loaded_for;
  static json preview;
  static std::string problem;
  if (loaded_for != s.join_token) {
    loaded_for = s.join_token;
    preview = nullptr;
    problem.clear();
    ApiCall(s, "GET", "/invitations/" + s.join_token, nullptr, [](const ApiResult& r) {
      if (r.ok()) preview = r.body["race"];
      else problem = r.problem;
    });
  }
  ImGui::Spacing();
  if (!problem.empty()) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", problem.c_str());
    A11yStatus(s, problem);
    ShowValue(s, "join.problem", problem);
    return;
  }
  if (!preview.is_object()) return ImGui::TextDisabled("Checking the invitation...");
  ImGui::Text("%s invites you to \"%s\"", preview["organiser"].get<std::string>().c_str(), preview["name"].get<std::string>().c_str());
  ImGui::TextDisabled("%s, %s, closes %s", preview["track"].get<std::string>().c_str(), preview["status"].get<std::string>().c_str(),
                      ShortTime(preview["closes_at"]).c_str());
  if (!preview["description"].get<std::string>().empty()) ImGui::TextWrapped("%s", preview["description"].get<std::string>().c_str());
  ShowValue(s, "join.race", preview["name"]);
  A11yText(s, preview["organiser"].get<std::string>() + " invites you to " + preview["name"].get<std::string>() + ".");
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
