// Races: the open league races and my community races, with a track
// thumbnail, dates, status and my best rank.
#include "state.h"
#include "pitwall/league.h"

namespace pw::web {
namespace {

int MyRank(AppState& s, int64_t race_id) {
  if (!s.signed_in() || !s.leaderboards.count(race_id)) return 0;
  for (const LeaderboardEntry& e : s.leaderboards[race_id])
    if (s.me["alias"] == e.alias) return e.rank;
  return 0;
}

void RaceTable(AppState& s, const char* id, const json& races) {
  if (races.empty()) {
    ImGui::TextDisabled("None yet.");
    return;
  }
  // Phones: the race (with its track's name under it), its status and my rank; wider screens add the
  // thumbnail and the dates.
  const bool wide = !s.narrow;
  if (!ImGui::BeginTable(id, wide ? 6 : 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
  if (wide) ImGui::TableSetupColumn("Track", ImGuiTableColumnFlags_WidthFixed, s.Px(130));
  ImGui::TableSetupColumn("Race");
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("UPCOMING").x);
  if (wide) ImGui::TableSetupColumn("Opens", ImGuiTableColumnFlags_WidthFixed, s.Px(150));
  if (wide) ImGui::TableSetupColumn("Closes", ImGuiTableColumnFlags_WidthFixed, s.Px(150));
  ImGui::TableSetupColumn("My rank", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("My rank").x);
  ImGui::TableHeadersRow();
  for (const auto& race : races) {
    const int64_t rid = race["id"];
    ImGui::TableNextRow(0, wide ? s.Px(78) : 0.0f);
    if (wide) {
      ImGui::TableNextColumn();
      if (s.race_tracks.count(rid)) {
        TrackView& thumb = s.views["thumb" + std::to_string(rid)];
        DrawTrack(("##thumb" + std::to_string(rid)).c_str(), *s.race_tracks[rid], thumb, ImVec2(s.Px(120), s.Px(72)), false);
      }
    }
    ImGui::TableNextColumn();
    const std::string label = race["name"].get<std::string>() + "##race" + std::to_string(rid);
    if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) Go(s, Screen::kRace, rid);
    Tag(s, "race." + race["name"].get<std::string>());
    ImGui::TextDisabled("%s, %.1f m, %s, %d laps", race["track"]["name"].get<std::string>().c_str(), race["track"]["length_m"].get<double>(),
                        TimingLabel(RulesOf(race).timing), race["laps"].get<int>());
    if (race["kind"] == ToString(RaceKind::kCommunity)) ImGui::TextDisabled("community race%s", race.value("organiser", false) ? " (you organise it)" : "");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(race["status"].get<std::string>().c_str());
    if (wide) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(ShortTime(race["opens_at"]).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(ShortTime(race["closes_at"]).c_str());
    }
    ImGui::TableNextColumn();
    const int rank = MyRank(s, rid);
    if (rank > 0) ImGui::Text("P%d", rank);
    else ImGui::TextDisabled("-");
  }
  ImGui::EndTable();
}


void A11yRaces(AppState& s, const std::string& caption, const json& races) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : races)
    rows.push_back({r["name"].get<std::string>(), r["track"]["name"].get<std::string>(), r["status"].get<std::string>(),
                    ShortTime(r["closes_at"]), "/races/" + r["id"].dump()});
  A11yTable(s, caption, {"Race", "Track", "Status", "Closes", "Address"}, rows);
}

/// "Have an invitation link?": paste it (or its token) and go to it.
void JoinByLink(AppState& s) {
  std::string& link = FormValue(s, "joinlink", "link");
  ImGui::TextUnformatted("Have an invitation link?");
  TextField(s, "races.joinlink", "##Invitation link", link, {"joinlink", "url", "off", "paste the link here", 340, 300});
  SameLineIfRoom(s);
  const bool enter = TakeSubmit("joinlink");
  if (ImGui::Button("Open") || enter) {
    std::string token = link;
    const size_t at = token.find("/join/");
    if (at != std::string::npos) token = token.substr(at + 6);
    while (!token.empty() && (token.back() == '/' || token.back() == ' ' || token.back() == '\n')) token.pop_back();
    while (!token.empty() && token.front() == ' ') token.erase(0, 1);
    if (token.empty()) {
      ShowError(s, "Paste an invitation link first (it ends in /join/ and a code).");
    } else {
      s.join_token = token;
      link.clear();
      Go(s, Screen::kJoin);
    }
  }
  Tag(s, "races.joinlink.open");
}

}  // namespace

void DrawRaces(AppState& s) {
  s.title = "Races";
  A11yHeading(s, "Races");
  ImGui::Spacing();
  ImGui::TextUnformatted("League races");
  RaceTable(s, "league", s.races);
  A11yRaces(s, "League races", s.races);
  json names = json::array();
  for (const auto& r : s.races) names.push_back(r["name"]);
  ShowValue(s, "races.league", names);
  if (s.signed_in()) {
    ImGui::Spacing();
    ImGui::TextUnformatted("My community races");
    RaceTable(s, "community", s.my_races);
    A11yRaces(s, "My community races", s.my_races);
    json mine = json::array();
    for (const auto& r : s.my_races) mine.push_back(r["name"]);
    ShowValue(s, "races.mine", mine);
  } else {
    ImGui::Spacing();
    ImGui::TextDisabled("Sign in (Account) to enter races and see your community races.");
  }
  ImGui::Spacing();
  JoinByLink(s);
}

}  // namespace pw::web
