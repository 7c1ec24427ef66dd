// A race: its track (zoom and pan), the rules in plain words, the live
// leaderboard, my submissions with their status, queue position and progress,
// Submit (with the racing terms on a first submission), and a check of any
// finished submission against the same model run here in the browser.
#include <cctype>

#include "../platform/clipboard.h"
#include "../platform/files.h"
#include "../platform/page.h"
#include "../platform/routes.h"
#include "state.h"
#include "pitwall/league.h"

namespace pw::web {
namespace {


// What else is on the track, and what hitting it costs (docs/RACE_RULES.md, "Race types").
std::string CourseInWords(const RaceRules& r) {
  if (r.race_type == RaceType::kTimeTrial) return "";
  char penalty[64];
  std::snprintf(penalty, sizeof penalty, "%.1f s", r.collision_penalty_ms / 1000.0);
  std::string text;
  if (r.race_type == RaceType::kObjectAvoidance) {
    text = std::to_string(r.obstacle_count) + (r.obstacle_count == 1 ? " box stands" : " boxes stand") + " on the track" +
           (r.random_obstacles ? ", placed at random (the same for every racer)" : "") + ". ";
  } else {
    double slowest = 1e9, fastest = 0;
    bool changes = false;
    for (const BotCar& b : r.bots) slowest = std::min(slowest, b.speed_mps), fastest = std::max(fastest, b.speed_mps), changes = changes || b.lane_changes;
    char speeds[64];
    if (slowest == fastest) std::snprintf(speeds, sizeof speeds, "%.1f m/s", slowest);
    else std::snprintf(speeds, sizeof speeds, "%.1f to %.1f m/s", slowest, fastest);
    text = std::to_string(r.bots.size()) + (r.bots.size() == 1 ? " bot car drives" : " bot cars drive") + " the track at " + speeds +
           (changes ? ", changing lanes now and then" : ", each in its lane") + ". ";
  }
  text += r.reset_on_off_track ? std::string("Hit one and you are put back behind it, held for ") + penalty + ". "
                               : "Hit one and your run ends there. ";
  return text + "Only LIDAR and SECTOR_LIDAR see them. ";
}

std::string RulesInWords(const json& race) {
  const std::string timing = race["timing_method"];
  const std::string ranked_on = timing == "BEST_LAP_TIME" ? "your fastest lap" : timing == "AVG_LAP_TIME"
                                    ? "your best average over " + std::to_string(race["min_laps"].get<int>()) + " consecutive laps"
                                    : "your total time over all laps";
  std::string text = std::to_string(race["laps"].get<int>()) + (race["lap_mode"] == "CONTINUOUS" ? " continuous laps" : " laps, each from a standing start") +
                     " of " + race["track"]["name"].get<std::string>() + ". You are ranked on " + ranked_on + ", once you complete " +
                     std::to_string(race["min_laps"].get<int>()) + " consecutive laps. ";
  if (race["reset_on_off_track"].get<bool>()) {
    char penalty[64];
    std::snprintf(penalty, sizeof penalty, "%.1f s", race["off_track_penalty_ms"].get<int>() / 1000.0);
    text += std::string("Leave the track and you are put back on it, held for ") + penalty + " while the clock runs. ";
  } else {
    text += "Leave the track and your run ends there. ";
  }
  text += CourseInWords(RulesOf(race));
  text += "Up to " + std::to_string(race["max_submissions"].get<int>()) + " submissions; your best counts. Open " +
          ShortTime(race["opens_at"]) + " to " + ShortTime(race["closes_at"]) + ".";
  return text;
}

// One press of Submit is one submission: the button is off while the request is
// out and for a moment after it lands (a double click's second press), and the
// request carries an idempotency key, so a retried request enters once too.
void Submit(AppState& s, int64_t race_id, int64_t model_id) {
  if (s.submitting.count(race_id)) return;
  s.submitting[race_id] = NowMs() + 1e9;
  const std::string key = "app-" + std::to_string(race_id) + "-" + std::to_string(model_id) + "-" + std::to_string(static_cast<int64_t>(NowMs() * 1000));
  ApiCall(s, "POST", "/races/" + std::to_string(race_id) + "/submissions", json{{"model_id", model_id}},
          [&s, race_id](const ApiResult& r) {
            s.submitting[race_id] = NowMs() + 1500;
            s.wake_at.push_back(NowMs() + 1501);
            if (!r.ok()) {
              s.submitting.erase(race_id);
              return ShowError(s, "Submission refused: " + r.problem);
            }
            s.submitted_note[race_id] = "Submitted: queued as #" + r.body.value("queue_position", json(0)).dump() + " in the queue.";
            PollRace(s, race_id);
          },
          key);
}

std::string GapText(const LeaderboardEntry& e) {
  if (e.gap_ms != 0) return "+" + Secs(e.gap_ms);
  return e.rank == 1 ? "-" : "tied";
}

bool AnyTie(const std::vector<LeaderboardEntry>& board) {
  for (const auto& e : board)
    if (e.rank > 1 && e.gap_ms == 0) return true;
  return false;
}

void TieNote(const std::vector<LeaderboardEntry>& board) {
  if (AnyTie(board)) ImGui::TextDisabled("Equal times: the earlier submission ranks first.");
}

void Leaderboard(AppState& s, int64_t race_id) {
  if (!s.leaderboards.count(race_id)) return ImGui::TextDisabled("Loading the leaderboard...");
  const std::vector<LeaderboardEntry>& board = s.leaderboards[race_id];
  // Boxes and bots: a column of crashes beside the off-track count.
  const bool crashes = s.race_detail.count(race_id) && RulesOf(s.race_detail[race_id]).race_type != RaceType::kTimeTrial;
  json aliases = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : board) {
    rows.push_back({std::to_string(e.rank), e.alias, Secs(e.ranking_ms), Secs(e.best_lap_ms),
                    e.gap_ms == 0 ? (e.rank == 1 ? "leader" : "tied") : "+" + Secs(e.gap_ms), std::to_string(e.off_track_count),
                    std::to_string(e.submissions)});
    if (crashes) rows.back().insert(rows.back().begin() + 6, std::to_string(e.crash_count));
  }
  std::vector<std::string> headers = {"Rank", "Racer", "Time (s)", "Best lap (s)", "Gap", "Off track", "Entries"};
  if (crashes) headers.insert(headers.begin() + 6, "Crashes");
  A11yTable(s, "Leaderboard", headers, rows);
  // Phones: rank, racer, time, gap and Watch; the rest is in the accessible table and the CSV.
  const bool wide = !s.narrow;
  if (ImGui::BeginTable("leaderboard", wide ? (crashes ? 10 : 9) : 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* h : {"#", "Racer", "Time", "Best lap", "Average", "Gap", "Off track", "Crashes", "Entries", "Watch"}) {
      const std::string name = h;
      const bool extra = name == "Best lap" || name == "Average" || name == "Off track" || name == "Crashes" || name == "Entries";
      if (name == "Crashes" && !crashes) continue;
      if (wide || !extra) ImGui::TableSetupColumn(h);
    }
    ImGui::TableHeadersRow();
    for (const auto& e : board) {
      const bool me = s.signed_in() && s.me["alias"] == e.alias;
      ImGui::TableNextRow();
      if (me) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(228, 87, 46, 70));
      ImGui::TableNextColumn();
      ImGui::Text("%d", e.rank);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.alias.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(Secs(e.ranking_ms).c_str());
      if (wide) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(Secs(e.best_lap_ms).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(Secs(e.average_lap_ms).c_str());
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(GapText(e).c_str());
      if (wide) {
        ImGui::TableNextColumn();
        ImGui::Text("%d", e.off_track_count);
        if (crashes) {
          ImGui::TableNextColumn();
          ImGui::Text("%d", e.crash_count);
        }
        ImGui::TableNextColumn();
        ImGui::Text("%d", e.submissions);
      }
      ImGui::TableNextColumn();
      const int64_t sid = e.submission_id;
      const std::string rank = std::to_string(e.rank);
      // The run is fetched while the pointer is on its buttons: by the click it is often in.
      const auto prefetch = [&s, sid] {
        if (ImGui::IsItemHovered()) PrefetchRun(s, sid);
      };
      if (ImGui::SmallButton(("Watch##w" + rank).c_str())) WatchRun(s, race_id, sid, false);
      prefetch();
      Tag(s, "race.watch." + rank);
      if (wide) {
        ImGui::SameLine();
        if (ImGui::SmallButton(("+ghost##g" + rank).c_str())) WatchRun(s, race_id, sid, true);
        prefetch();
        Tag(s, "race.ghost." + rank);
        const int64_t leader = board[0].submission_id;
        if (sid != leader) {
          ImGui::SameLine();
          if (ImGui::SmallButton(("Compare##c" + rank).c_str())) CompareRuns(s, race_id, sid, leader);
          prefetch();
          Tag(s, "race.compare." + rank);
        }
      }
      aliases.push_back(e.alias);
    }
    ImGui::EndTable();
  }
  if (board.empty()) ImGui::TextDisabled("No ranked runs yet.");
  TieNote(board);
  ShowValue(s, "leaderboard", aliases);
  // Me against the leader, in ghost mode.
  if (s.signed_in() && board.size() > 1) {
    for (const auto& e : board)
      if (s.me["alias"] == e.alias && e.rank > 1 && ImGui::SmallButton("Me against the leader"))
        CompareRuns(s, race_id, e.submission_id, board[0].submission_id);
  }
  if (ImGui::SmallButton("Download the leaderboard (CSV)"))
    ApiGetRaw(s, "/races/" + std::to_string(race_id) + "/leaderboard.csv", [&s, race_id](int status, const std::string& csv) {
      if (status != 200) return ShowError(s, "The leaderboard could not be downloaded (HTTP " + std::to_string(status) + ")");
      DownloadFile("race-" + std::to_string(race_id) + "-leaderboard.csv", csv, "text/csv");
    });
  Tag(s, "race.csv");
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string UrlEncode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return out;
}

// Copy-paste snippets for other sites: the widget, the iframe, the badge.
void EmbedSnippets(AppState& s, const json& race) {
  if (!ImGui::CollapsingHeader("Embed this leaderboard on another site")) return;
  if (race["kind"] == ToString(RaceKind::kCommunity) && race.value("visibility", std::string()) != ToString(BoardVisibility::kPublic)) {
    ImGui::TextDisabled("This race's leaderboard is for its participants only; its organiser can make it public to embed it.");
    return;
  }
  const std::string origin = Origin(), id = race["id"].dump(), name = HtmlEscape(race["name"].get<std::string>());
  const std::string snippets[3][2] = {
      {"Widget (a script and one element; themable, live)",
       "<script src=\"" + origin + "/widget.js\" async></script>\n<pitwall-leaderboard race=\"" + id +
           "\" limit=\"10\" theme=\"auto\"><a href=\"" + origin + "/races/" + id + "\">" + name + " on Pitwall</a></pitwall-leaderboard>"},
      {"iframe (for sites that allow no scripts; the resizer is optional)",
       "<iframe src=\"" + origin + "/embed/races/" + id + "/leaderboard?theme=auto&limit=10&origin=https://your.site\" title=\"" + name +
           " leaderboard\" style=\"border:0;width:100%;height:360px\"></iframe>\n<script src=\"" + origin + "/embed-resizer.js\" async></script>"},
      {"Badge (shields.io endpoint)", "https://img.shields.io/endpoint?url=" + UrlEncode(origin + "/api/v1/races/" + id + "/badge.json")}};
  for (int i = 0; i < 3; ++i) {
    ImGui::TextUnformatted(snippets[i][0].c_str());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", snippets[i][1].c_str());
    ImGui::PopTextWrapPos();
    CopyButton(s, "race.embed." + std::to_string(i), snippets[i][1]);
  }
}

void Comparison(AppState& s) {
  if (!s.compare_trial || s.compare_race != s.race_id) return;  // a comparison belongs to its race's page
  TrialRun& run = *s.compare_trial;
  ImGui::Separator();
  ImGui::TextWrapped("%s: the server's laps beside this browser's run of the same model", s.compare_title.c_str());
  if (run.phase != TrialRun::Phase::kDone) {
    DrawTrialRun(s, run, "compare");
    return;
  }
  const auto& laps = run.trial->result().laps;
  const json& server = s.compare_server_laps;
  bool agree = laps.size() == server.size();
  int64_t max_diff = 0;
  if (ImGui::BeginTable("compare", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    for (const char* h : {"Lap", "Server", "Browser", ""}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < std::max(laps.size(), server.size()); ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%zu", i + 1);
      ImGui::TableNextColumn();
      int64_t st = -1;
      std::string sstatus;
      if (i < server.size()) {
        st = server[i]["time_ms"];
        sstatus = server[i]["status"];
        ImGui::Text("%s %s", Secs(st).c_str(), sstatus.c_str());
      }
      ImGui::TableNextColumn();
      bool same = i < laps.size() && i < server.size();
      if (i < laps.size()) {
        ImGui::Text("%s %s", Secs(laps[i].time_ms).c_str(), ToString(laps[i].status));
        if (same) {
          const int64_t diff = std::llabs(laps[i].time_ms - st);
          max_diff = std::max(max_diff, diff);
          same = sstatus == ToString(laps[i].status) && diff <= 67;  // within one control step
        }
      }
      ImGui::TableNextColumn();
      if (same) ImGui::TextColored(ImVec4(0.4f, 0.9f, 0.5f, 1), "same");
      else ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "differs");
      agree = agree && same;
    }
    ImGui::EndTable();
  }
  ImGui::TextColored(agree ? ImVec4(0.4f, 0.9f, 0.5f, 1) : ImVec4(1, 0.5f, 0.4f, 1), "%s",
                     agree ? "Browser and server agree lap for lap." : "Browser and server differ (marked above).");
  ShowValue(s, "compare", {{"submission", s.compare_submission}, {"agree", agree}, {"server_laps", server.size()},
                           {"browser_laps", laps.size()}, {"max_diff_ms", max_diff}});
}

}  // namespace

void DrawRace(AppState& s) {
  const int64_t rid = s.race_id;
  const json& race = s.race_detail[rid];
  if (!race.is_object()) return ImGui::TextDisabled("Loading race %lld...", static_cast<long long>(rid));
  if (race.value("missing", false)) {
    ImGui::TextUnformatted("No such race here.");
    ImGui::TextDisabled("%s", race.value("problem", std::string()).c_str());
    return;
  }
  s.title = race["name"].get<std::string>();
  A11yHeading(s, race["name"].get<std::string>());
  A11yText(s, RulesInWords(race));
  ImGui::Text("%s", race["name"].get<std::string>().c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("(%s, %s)", race["kind"].get<std::string>().c_str(), race["status"].get<std::string>().c_str());
  ShowValue(s, "race.name", race["name"]);
  ShowValue(s, "race.status", race["status"]);

  // Wide: the track on the left, the race on the right, each scrolling. Narrow
  // (phones): one column, the track first.
  const bool narrow = s.narrow;
  const float left = narrow ? ImGui::GetContentRegionAvail().x : std::min(s.Px(560.0f), ImGui::GetContentRegionAvail().x * 0.45f);
  if (!narrow) ImGui::BeginChild("race.track", ImVec2(left, 0), false);
  if (s.race_tracks.count(rid)) {
    TrackView& view = s.views["race" + std::to_string(rid)];
    std::vector<TrackOverlay> course;  // boxes and bots where they start
    if (s.race_courses.count(rid) && s.race_courses[rid]) course.push_back(TrackOverlay{.course = s.race_courses[rid].get()});
    DrawTrack("##racetrack", *s.race_tracks[rid], view, ImVec2(left, left * 0.75f), true, course);
    Tag(s, "race.track");
    const bool moved = view.zoom != 1.0f || view.pan.x != 0.0f || view.pan.y != 0.0f;
    ResetViewButton("race", view);
    if (moved) Tag(s, "race.resetview");
    ImGui::PushTextWrapPos(left);
    ImGui::TextDisabled("%s", s.touch ? "Pinch to zoom, drag to pan. Chequered: the start line; orange arrow: direction of travel."
                                      : "Wheel to zoom, drag to pan. Chequered: the start line; orange arrow: direction of travel.");
    ImGui::PopTextWrapPos();
  }
  ImGui::TextWrapped("%s", race.value("description", std::string()).c_str());
  ImGui::Spacing();
  ImGui::TextWrapped("%s", RulesInWords(race).c_str());
  if (!narrow) {
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("race.right", ImVec2(0, 0), false);
  } else {
    ImGui::Spacing();
  }

  // Submit.
  if (s.signed_in()) {
    int64_t& chosen = s.race_screen.chosen_model;
    std::vector<ChoiceOption> options;
    int index = -1;
    for (const auto& m : s.models) {
      if (m["id"] == chosen) index = static_cast<int>(options.size());
      options.push_back({m["name"].get<std::string>(), m["name"].get<std::string>()});
    }
    FitNextItem(s, 220, "");
    if (Choice(s, "race.model", "", "Model to submit", index, options, "choose a model")) chosen = s.models[index]["id"];
    ImGui::SameLine();
    if (auto it = s.submitting.find(rid); it != s.submitting.end() && it->second <= NowMs()) s.submitting.erase(it);
    const bool busy = s.submitting.count(rid) > 0;
    ImGui::BeginDisabled(busy || chosen <= 0);
    if (ImGui::Button(busy ? "Submitting..." : "Submit") && chosen > 0) {
      if (!s.me.value("terms_accepted", false)) ImGui::OpenPopup("Racing terms");
      else Submit(s, rid, chosen);
    }
    ImGui::EndDisabled();
    Tag(s, "race.submit");
    if (s.submitted_note.count(rid)) {
      SameLineIfRoom(s);
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", s.submitted_note[rid].c_str());
      ImGui::PopStyleColor();
      A11yStatus(s, s.submitted_note[rid]);
    }
    if (s.models.empty()) ImGui::TextDisabled("Upload a model in the Garage first.");
    if (ImGui::BeginPopupModal("Racing terms", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
      std::string& terms = s.race_screen.terms;
      if (terms.empty()) {
        terms = "...";
        ApiCall(s, "GET", "/terms", nullptr, [&s](const ApiResult& r) {
          if (r.ok()) s.race_screen.terms = r.body["text"];
        });
      }
      ImGui::PushTextWrapPos(s.Px(480));
      ImGui::TextUnformatted(terms.c_str());
      ImGui::PopTextWrapPos();
      if (ImGui::Button("Accept and submit")) {
        ApiCall(s, "POST", "/me/terms", json{{"accept", true}}, [&s, rid, model = chosen](const ApiResult& r) {
          if (!r.ok()) return ShowError(s, r.problem);
          s.me = r.body;
          Submit(s, rid, model);
        });
        ImGui::CloseCurrentPopup();
      }
      Tag(s, "terms.accept");
      ImGui::SameLine();
      if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  } else {
    ImGui::TextDisabled("Sign in (Account) to enter this race.");
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Leaderboard");
  Leaderboard(s, rid);
  DrawWatch(s, rid);
  EmbedSnippets(s, race);

  if (s.signed_in()) {
    ImGui::Spacing();
    ImGui::TextUnformatted("My submissions");
    const json& subs = s.my_submissions[rid];
    json shown = json::array();
    if (subs.is_array() && ImGui::BeginTable("mysubs", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
      const ImGuiStyle& st = ImGui::GetStyle();
      const float buttons = ImGui::CalcTextSize("Check in browser").x + ImGui::CalcTextSize("Laps CSV").x + 4 * st.FramePadding.x + st.ItemSpacing.x;
      ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("000").x);
      ImGui::TableSetupColumn("Model");
      ImGui::TableSetupColumn("Status");
      ImGui::TableSetupColumn("Result");
      ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, buttons);
      ImGui::TableHeadersRow();
      int ordinal = static_cast<int>(subs.size());  // the newest first: my nth entry in this race
      for (const auto& sub : subs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", ordinal--);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(sub["model_name"].get<std::string>().c_str());
        ImGui::TableNextColumn();
        const std::string status_name = sub["status"];
        SubmissionStatus status = SubmissionStatus::kQueued;
        const bool known = ParseSubmissionStatus(status_name, status);
        if (known && status == SubmissionStatus::kQueued) ImGui::Text("queued, #%d", sub.value("queue_position", 0));
        else if (known && status == SubmissionStatus::kEvaluating) {
          const json& p = sub["progress"];
          ImGui::ProgressBar(static_cast<float>(p.value("progress_pct", 0.0) / 100.0), ImVec2(s.Px(140), s.Px(0)),
                             ("lap " + std::to_string(p.value("lap", 1))).c_str());
        } else ImGui::TextUnformatted(status_name.c_str());
        ImGui::TableNextColumn();
        if (known && status == SubmissionStatus::kCompleted) ImGui::Text("%s", Secs(sub["result"]["ranking_ms"]).c_str());
        else if (sub.contains("reason")) ImGui::TextWrapped("%s", sub["reason"].get<std::string>().c_str());
        ImGui::TableNextColumn();
        if (known && (status == SubmissionStatus::kCompleted || status == SubmissionStatus::kFailed) && sub.contains("laps") && s.race_tracks.count(rid)) {
          const std::string label = "Check in browser##" + sub["id"].dump();
          if (ImGui::SmallButton(label.c_str())) {
            s.compare_submission = sub["id"];
            s.compare_title = "Your entry " + std::to_string(ordinal + 1) + " (" + sub["model_name"].get<std::string>() + ")";
            s.compare_race = rid;
            s.compare_server_laps = sub["laps"];
            s.compare_trial = StartTrialRun(s, sub["model_id"], s.race_tracks[rid], RulesOf(race));
          }
          Tag(s, "race.check." + sub["id"].dump());
          ImGui::SameLine();
          const std::string lid = sub["id"].dump();
          if (ImGui::SmallButton(("Laps CSV##" + lid).c_str()))
            ApiGetRaw(s, "/submissions/" + lid + "/laps.csv", [&s, lid](int status, const std::string& csv) {
              if (status != 200) return ShowError(s, "The laps could not be downloaded (HTTP " + std::to_string(status) + ")");
              DownloadFile("submission-" + lid + "-laps.csv", csv, "text/csv");
            });
          Tag(s, "race.lapscsv." + lid);
        }
        shown.push_back({{"id", sub["id"]}, {"status", status_name}});
      }
      ImGui::EndTable();
    }
    ShowValue(s, "submissions", shown);
    Comparison(s);
  }
  if (!narrow) ImGui::EndChild();
}

}  // namespace pw::web
