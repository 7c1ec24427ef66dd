// Races: the open league races and my community races, with a track
// thumbnail, dates, status and my best rank.
#include "state.h"

namespace pw::web {
namespace {

int MyRank(AppState& s, int64_t race_id) {
  if (!s.signed_in() || !s.leaderboards.count(race_id)) return 0;
  for (const auto& e : s.leaderboards[race_id]["entries"])
    if (e["alias"] == s.me["alias"]) return e["rank"].get<int>();
  return 0;
}

void RaceTable(AppState& s, const char* id, const json& races) {
  if (races.empty()) {
    ImGui::TextDisabled("None yet.");
    return;
  }
  if (!ImGui::BeginTable(id, 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
  ImGui::TableSetupColumn("Track", ImGuiTableColumnFlags_WidthFixed, 130);
  ImGui::TableSetupColumn("Race");
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, 90);
  ImGui::TableSetupColumn("Opens", ImGuiTableColumnFlags_WidthFixed, 150);
  ImGui::TableSetupColumn("Closes", ImGuiTableColumnFlags_WidthFixed, 150);
  ImGui::TableSetupColumn("My rank", ImGuiTableColumnFlags_WidthFixed, 70);
  ImGui::TableHeadersRow();
  for (const auto& race : races) {
    const int64_t rid = race["id"];
    ImGui::TableNextRow(0, 78);
    ImGui::TableNextColumn();
    if (s.race_tracks.count(rid)) {
      TrackView& thumb = s.views["thumb" + std::to_string(rid)];
      DrawTrack(("##thumb" + std::to_string(rid)).c_str(), *s.race_tracks[rid], thumb, ImVec2(120, 72), false);
    }
    ImGui::TableNextColumn();
    const std::string label = race["name"].get<std::string>() + "##race" + std::to_string(rid);
    if (ImGui::Selectable(label.c_str(), false)) Go(s, Screen::kRace, rid);
    Tag(s, "race." + race["name"].get<std::string>());
    ImGui::TextDisabled("%s, %.1f m, %s, %d laps", race["track"]["name"].get<std::string>().c_str(), race["track"]["length_m"].get<double>(),
                        race["timing_method"].get<std::string>().c_str(), race["laps"].get<int>());
    if (race["kind"] == "COMMUNITY") ImGui::TextDisabled("community race%s", race.value("organiser", false) ? " (you organise it)" : "");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(race["status"].get<std::string>().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ShortTime(race["opens_at"]).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ShortTime(race["closes_at"]).c_str());
    ImGui::TableNextColumn();
    const int rank = MyRank(s, rid);
    if (rank > 0) ImGui::Text("P%d", rank);
    else ImGui::TextDisabled("-");
  }
  ImGui::EndTable();
}

}  // namespace

void DrawRaces(AppState& s) {
  ImGui::Spacing();
  ImGui::TextUnformatted("League races");
  RaceTable(s, "league", s.races);
  json names = json::array();
  for (const auto& r : s.races) names.push_back(r["name"]);
  ShowValue(s, "races.league", names);
  if (s.signed_in()) {
    ImGui::Spacing();
    ImGui::TextUnformatted("My community races");
    RaceTable(s, "community", s.my_races);
    json mine = json::array();
    for (const auto& r : s.my_races) mine.push_back(r["name"]);
    ShowValue(s, "races.mine", mine);
  } else {
    ImGui::Spacing();
    ImGui::TextDisabled("Sign in (Account) to enter races and see your community races.");
  }
}

}  // namespace pw::web
