// Organiser: create a community race, copy and reset its invitation link,
// manage participants and entries, close, extend or delete the race.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <ctime>

#include "../platform/clipboard.h"
#include "../platform/routes.h"
#include "state.h"

namespace pw::web {
namespace {

std::string InDays(double days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct Manage {
  int64_t race = 0;
  json invitation;
  json participants = json::array();
  std::string link;  ///< the link (the server keeps it sealed for its organiser)
};

void LoadManage(AppState& s, Manage& m) {
  const std::string base = "/races/" + std::to_string(m.race);
  ApiCall(s, "GET", base + "/invitation", nullptr, [&m](const ApiResult& r) {
    if (!r.ok()) return;
    m.invitation = r.body;
    if (r.body.contains("url")) m.link = r.body["url"];
  });
  ApiCall(s, "GET", base + "/participants", nullptr, [&m](const ApiResult& r) {
    if (r.ok()) m.participants = r.body["participants"];
  });
  PollRace(s, m.race);
}

void InvitationLink(AppState& s, const std::string& link) {
  if (link.empty()) return;
  const std::string url = Origin() + link;
  ImGui::TextUnformatted("Invitation link:");
  SameLineIfRoom(s);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.4f, 1));
  ImGui::TextWrapped("%s", url.c_str());  // phones: the link wraps rather than running off the screen
  ImGui::PopStyleColor();
  CopyButton(s, "organiser.copy", url);
  ShowValue(s, "organiser.link", url);
  A11yText(s, "Invitation link: " + url);
}

}  // namespace

void DrawOrganiser(AppState& s) {
  s.title = "Organiser";
  A11yHeading(s, "Organiser");
  if (!s.signed_in()) {
    ImGui::TextDisabled("Sign in (Account) to organise community races.");
    return;
  }
  static std::string name, description;
  static std::string track = "pitwall_park";
  static int laps = 3, min_laps = 3, days = 14, max_uses = 0, timing = 0;
  static bool public_board = false;
  static Manage manage;

  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Create a community race", ImGuiTreeNodeFlags_DefaultOpen)) {
    TextField(s, "organiser.name", "Name", name, {"", "text", "off", "", 300, 80});
    TextField(s, "organiser.description", "Description", description, {"", "text", "off", "", 300, 2000});
    std::vector<ChoiceOption> track_options;
    int track_index = -1;
    for (const auto& t : s.tracks) {
      if (t["id"] == track) track_index = static_cast<int>(track_options.size());
      track_options.push_back({t.value("name", t["id"].get<std::string>()), t["id"].get<std::string>()});
    }
    FitNextItem(s, 200, "Track");
    if (Choice(s, "organiser.track", "Track", "Track", track_index, track_options)) track = s.tracks[track_index]["id"];
    const TimingMethod methods[] = {TimingMethod::kBestLap, TimingMethod::kAverageLap, TimingMethod::kTotalTime};
    std::vector<ChoiceOption> timing_options;
    for (TimingMethod m : methods) timing_options.push_back({TimingLabel(m), ToString(m)});
    FitNextItem(s, 200, "Ranked on");
    Choice(s, "organiser.timing", "Ranked on", "Ranked on", timing, timing_options);
    FitNextItem(s, 200, "Laps");
    Slider(s, "Laps", laps, 1, 10);
    FitNextItem(s, 200, "Laps needed to rank");
    Slider(s, "Laps needed to rank", min_laps, 1, 10);
    FitNextItem(s, 200, "Open for (days)");
    Slider(s, "Open for (days)", days, 1, 90);
    FitNextItem(s, 200, "Invitation uses (0: no limit)");
    Slider(s, "Invitation uses (0: no limit)", max_uses, 0, 200);
    ImGui::Checkbox("Public leaderboard", &public_board);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Anyone can see a public leaderboard, and other sites can embed it; otherwise only participants see it.");
    ImGui::PopStyleColor();
    if (ImGui::Button("Create race")) {
      json body = {{"kind", "COMMUNITY"}, {"name", name}, {"description", description}, {"track_id", track},
                   {"timing_method", ToString(methods[timing])}, {"laps", laps}, {"min_laps", timing == 2 ? laps : min_laps},
                   {"closes_at", InDays(days)}, {"visibility", public_board ? "public" : "participants"}};
      if (max_uses > 0) body["invitation"] = {{"max_uses", max_uses}};
      ApiCall(s, "POST", "/races", body, [&s](const ApiResult& r) {
        if (!r.ok()) return ShowError(s, "Race not created: " + r.problem);
        manage = Manage{};
        manage.race = r.body["id"];
        manage.link = r.body["invitation"]["url"];
        name.clear();
        description.clear();
        RefreshRaces(s);
        LoadManage(s, manage);
      });
    }
    Tag(s, "organiser.create");
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Races I organise");
  json mine = json::array();
  for (const auto& race : s.my_races) {
    if (!race.value("organiser", false)) continue;
    const int64_t id = race["id"];
    mine.push_back(race["name"]);
    if (ImGui::Selectable((race["name"].get<std::string>() + "  (" + race["status"].get<std::string>() + ")##org" + std::to_string(id)).c_str(),
                          manage.race == id)) {
      manage = Manage{};
      manage.race = id;
      LoadManage(s, manage);
    }
    Tag(s, "organiser.race." + race["name"].get<std::string>());
  }
  ShowValue(s, "organiser.races", mine);
  if (manage.race == 0) return;

  ImGui::Separator();
  const std::string base = "/races/" + std::to_string(manage.race);
  const json& race = s.race_detail[manage.race];
  if (race.is_object() && race.contains("name")) ImGui::Text("%s: %s", race["name"].get<std::string>().c_str(), race["status"].get<std::string>().c_str());
  InvitationLink(s, manage.link);
  if (manage.link.empty() && manage.invitation.is_object() && manage.invitation.contains("note"))
    ImGui::TextDisabled("This link was made before links were kept for organisers: reset it to get one to share.");
  if (manage.invitation.is_object()) {
    ImGui::TextDisabled("The link expires %s; used %lld time(s)%s.", ShortTime(manage.invitation["expires_at"]).c_str(),
                        static_cast<long long>(manage.invitation["uses"].get<int64_t>()),
                        manage.invitation["max_uses"].is_null() ? "" : (" of " + manage.invitation["max_uses"].dump()).c_str());
    ShowValue(s, "organiser.uses", manage.invitation["uses"]);
  }
  if (ImGui::Button("Reset the link")) OpenConfirm(s, "organiser.reset.confirm");
  Tag(s, "organiser.reset");
  if (Confirm(s, "organiser.reset.confirm",
              "Reset the invitation link? The old link stops working at once: anyone who has it but has not joined yet will "
              "need the new one. People who already joined stay in the race.",
              "Reset the link", "Keep the old link")) {
    ApiCall(s, "POST", base + "/invitation", json::object(), [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      manage.link = r.body["url"];
      LoadManage(s, manage);
    });
  }
  SameLineIfRoom(s);
  if (ImGui::Button("Close the race now")) {
    ApiCall(s, "PATCH", base, json{{"closes_at", InDays(0.0002)}}, [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      s.race_detail[manage.race] = r.body;
      RefreshRaces(s);
    });
  }
  Tag(s, "organiser.close");
  SameLineIfRoom(s);
  if (ImGui::Button("Extend by a week")) {
    const std::string closes = race.value("closes_at", InDays(0));
    std::tm tm{};
    strptime(closes.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    const std::time_t base_t = std::max(timegm(&tm), std::time(nullptr));
    std::tm later{};
    const std::time_t t = base_t + 7 * 86400;
    gmtime_r(&t, &later);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &later);
    ApiCall(s, "PATCH", base, json{{"closes_at", buf}}, [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      s.race_detail[manage.race] = r.body;
      RefreshRaces(s);
    });
  }
  Tag(s, "organiser.extend");
  SameLineIfRoom(s);
  if (ImGui::Button("Delete the race")) OpenConfirm(s, "organiser.delete.confirm");
  Tag(s, "organiser.delete");
  if (Confirm(s, "organiser.delete.confirm", "Delete the race, its leaderboard and every submission to it? This cannot be undone.",
              "Delete the race", "Keep it")) {
    ApiCall(s, "DELETE", base, nullptr, [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      manage = Manage{};
      RefreshRaces(s);
    });
  }
  // Who sees the leaderboard: participants only, or anyone (and other sites, embedded).
  if (race.is_object() && race.contains("visibility")) {
    bool public_board_now = race["visibility"] == "public";
    if (ImGui::Checkbox("Public leaderboard##visibility", &public_board_now)) {
      ApiCall(s, "PATCH", base, json{{"visibility", public_board_now ? "public" : "participants"}}, [&s](const ApiResult& r) {
        if (!r.ok()) return ShowError(s, r.problem);
        s.race_detail[manage.race] = r.body;
      });
    }
    Tag(s, "organiser.visibility");
    ShowValue(s, "organiser.visibility", race["visibility"]);
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Participants");
  json people = json::array();
  if (ImGui::BeginTable("participants", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    for (const char* h : {"Racer", "Joined", "Submissions", "Best", ""}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& p : manage.participants) {
      const std::string alias = p["alias"];
      people.push_back(alias);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(alias.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(ShortTime(p["joined_at"]).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d", p["submissions"].get<int>());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p["best_ms"].is_null() ? "-" : Secs(p["best_ms"]).c_str());
      ImGui::TableNextColumn();
      const std::string rid = p["racer_id"].dump();
      if (ImGui::SmallButton(("Remove##p" + rid).c_str()))
        ApiCall(s, "DELETE", base + "/participants/" + rid, nullptr, [&s](const ApiResult& r) {
          if (!r.ok()) return ShowError(s, r.problem);
          LoadManage(s, manage);
        });
      Tag(s, "organiser.remove." + alias);
      ImGui::SameLine();
      if (!p["best_ms"].is_null() && ImGui::SmallButton(("Remove entry##e" + rid).c_str()))
        ApiCall(s, "DELETE", base + "/leaderboard/" + rid, nullptr, [&s](const ApiResult& r) {
          if (!r.ok()) return ShowError(s, r.problem);
          LoadManage(s, manage);
        });
    }
    ImGui::EndTable();
  }
  if (manage.participants.empty()) ImGui::TextDisabled("Nobody has joined yet: share the link.");
  ShowValue(s, "organiser.participants", people);
}

}  // namespace pw::web
