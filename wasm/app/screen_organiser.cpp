// Organiser: create a community race, copy and reset its invitation link,
// manage participants and entries, close, extend or delete the race.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <ctime>
#include <random>

#include "../platform/clipboard.h"
#include "../platform/routes.h"
#include "state.h"
#include "pitwall/json_codec.h"
#include "pitwall/league.h"

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

/// Loads what the organiser sees of the race being managed (answers for another race are dropped).
void LoadManage(AppState& s) {
  const int64_t race = s.organiser.manage.race;
  const std::string base = "/races/" + std::to_string(race);
  ApiCall(s, "GET", base + "/invitation", nullptr, [&s, race](const ApiResult& r) {
    ManagedRace& m = s.organiser.manage;
    if (!r.ok() || m.race != race) return;
    m.invitation = r.body;
    if (r.body.contains("url")) m.link = r.body["url"];
  });
  ApiCall(s, "GET", base + "/participants", nullptr, [&s, race](const ApiResult& r) {
    ManagedRace& m = s.organiser.manage;
    if (r.ok() && m.race == race) m.participants = r.body["participants"];
  });
  PollRace(s, race);
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

// The form's race type and course, as the core's rules (what the preview draws and the server will run).
RaceRules FormRules(OrganiserScreen& o) {
  if (o.course_seed == 0) o.course_seed = std::random_device{}() & 0x7fffffffu;
  RaceRules r = DefaultRaceRules();
  const RaceType types[] = {RaceType::kTimeTrial, RaceType::kObjectAvoidance, RaceType::kHeadToBot};
  r.race_type = types[std::clamp(o.race_type, 0, 2)];
  r.course_seed = o.course_seed;
  r.collision_penalty_ms = static_cast<int>(std::lround(o.collision_penalty * 1000.0f));
  if (r.race_type == RaceType::kObjectAvoidance) r.obstacle_count = o.boxes;
  if (r.race_type == RaceType::kHeadToBot)
    for (int i = 0; i < o.bots; ++i)  // alternate lanes, so the bots do not queue in one
      r.bots.push_back({std::round(o.bot_speed * 10.0f) / 10.0, i % 2 ? Lane::kLeft : Lane::kRight, o.lane_changes,
                        std::round(o.lane_change_interval * 10.0f) / 10.0});
  return r;
}

// Race type, its course and a preview of it on the chosen track.
void CourseFields(AppState& s) {
  OrganiserScreen& o = s.organiser;
  const std::vector<ChoiceOption> types = {{"Time trial", "TIME_TRIAL"}, {"Object avoidance (boxes)", "OBJECT_AVOIDANCE"}, {"Head to bot (bot cars)", "HEAD_TO_BOT"}};
  FitNextItem(s, 200, "Race type");
  Choice(s, "organiser.race_type", "Race type", "Race type", o.race_type, types);
  if (o.race_type == 1) {
    FitNextItem(s, 200, "Boxes");
    Slider(s, "Boxes", o.boxes, 1, kMaxObstacles);
  } else if (o.race_type == 2) {
    FitNextItem(s, 200, "Bot cars");
    Slider(s, "Bot cars", o.bots, 1, kMaxBots);
    FitNextItem(s, 200, "Bot speed");
    SliderNumber(s, "Bot speed", "Bot speed", o.bot_speed, 0.2f, 6.0f, 0.1f, "%.1f m/s", "%.1f metres per second");
    ImGui::Checkbox("Bots change lanes", &o.lane_changes);
    if (o.lane_changes) {
      FitNextItem(s, 200, "Between lane changes");
      SliderSeconds(s, "Between lane changes", "Seconds between lane changes", o.lane_change_interval, 2.0f, 60.0f);
    }
  }
  if (o.race_type == 0) return;
  FitNextItem(s, 200, "Collision penalty");
  SliderSeconds(s, "Collision penalty", "Collision penalty", o.collision_penalty, 0.0f, 10.0f);
  if (ImGui::Button(o.race_type == 1 ? "Place the boxes again" : "New lane-change timing")) o.course_seed = 0;
  Tag(s, "organiser.reseed");
  const RaceRules rules = FormRules(o);
  // The preview: the course on the chosen track as every racer will meet it.
  if (!s.builtin_tracks.count(o.track)) return;
  const std::string key = o.track + RulesToJson(rules).dump();
  if (key != o.preview_key) o.preview = MakeCourseView(s.builtin_tracks[o.track], rules), o.preview_key = key;
  if (!o.preview) return;
  const float w = std::min(s.Px(420.0f), ImGui::GetContentRegionAvail().x);
  TrackView& view = s.views["organiser.preview"];
  DrawTrack("##coursepreview", *s.builtin_tracks[o.track], view, ImVec2(w, w * 0.7f), true, {TrackOverlay{.course = o.preview.get()}});
  Tag(s, "organiser.preview");
  json objects = json::array();
  for (const CourseObject& c : o.preview->At(Frame{})) objects.push_back({{"kind", c.kind == ObjectKind::kBox ? "box" : "bot"}, {"s_m", std::round(c.s_m * 100) / 100}});
  ShowValue(s, "organiser.course", objects);
  A11yText(s, "Course preview: " + std::to_string(objects.size()) + (rules.race_type == RaceType::kObjectAvoidance ? " boxes" : " bot cars") +
                  " on " + TrackName(s, o.track) + ".");
}

// The form for a new community race. It comes after the races the organiser already runs, so on a
// phone those are at hand without scrolling past the form.
void CreateRaceForm(AppState& s) {
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Create a community race", ImGuiTreeNodeFlags_DefaultOpen)) {
    TextField(s, "organiser.name", "Name", s.organiser.name, {"", "text", "off", "", 300, 80});
    TextField(s, "organiser.description", "Description", s.organiser.description, {"", "text", "off", "", 300, 2000});
    std::vector<ChoiceOption> track_options;
    int track_index = -1;
    for (const auto& t : s.tracks) {
      if (t["id"] == s.organiser.track) track_index = static_cast<int>(track_options.size());
      track_options.push_back({t.value("name", t["id"].get<std::string>()), t["id"].get<std::string>()});
    }
    FitNextItem(s, 200, "Track");
    if (Choice(s, "organiser.track", "Track", "Track", track_index, track_options)) s.organiser.track = s.tracks[track_index]["id"];
    const TimingMethod methods[] = {TimingMethod::kBestLap, TimingMethod::kAverageLap, TimingMethod::kTotalTime};
    std::vector<ChoiceOption> timing_options;
    for (TimingMethod m : methods) timing_options.push_back({TimingLabel(m), ToString(m)});
    FitNextItem(s, 200, "Ranked on");
    Choice(s, "organiser.timing", "Ranked on", "Ranked on", s.organiser.timing, timing_options);
    FitNextItem(s, 200, "Laps");
    Slider(s, "Laps", s.organiser.laps, 1, 10);
    FitNextItem(s, 200, "Laps needed to rank");
    Slider(s, "Laps needed to rank", s.organiser.min_laps, 1, 10);
    FitNextItem(s, 200, "Open for (days)");
    Slider(s, "Open for (days)", s.organiser.days, 1, 90);
    FitNextItem(s, 200, "Invitation uses (0: no limit)");
    Slider(s, "Invitation uses (0: no limit)", s.organiser.max_uses, 0, 200);
    CourseFields(s);
    ImGui::Checkbox("Public leaderboard", &s.organiser.public_board);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Anyone can see a public leaderboard, and other sites can embed it; otherwise only participants see it.");
    ImGui::PopStyleColor();
    if (ImGui::Button("Create race")) {
      json body = {{"kind", ToString(RaceKind::kCommunity)}, {"name", s.organiser.name}, {"description", s.organiser.description}, {"track_id", s.organiser.track},
                   {"timing_method", ToString(methods[s.organiser.timing])}, {"laps", s.organiser.laps}, {"min_laps", s.organiser.timing == 2 ? s.organiser.laps : s.organiser.min_laps},
                   {"closes_at", InDays(s.organiser.days)}, {"visibility", s.organiser.public_board ? "public" : "participants"}};
      if (s.organiser.max_uses > 0) body["invitation"] = {{"max_uses", s.organiser.max_uses}};
      // The course as previewed: its type, its seed and what it puts on the track (the core's codec).
      const json course = RulesToJson(FormRules(s.organiser));
      for (const char* field : {"race_type", "collision_penalty_ms", "course_seed", "obstacle_count", "bots"})
        if (course.contains(field)) body[field] = course[field];
      ApiCall(s, "POST", "/races", body, [&s](const ApiResult& r) {
        if (!r.ok()) return ShowError(s, "Race not created: " + r.problem);
        s.organiser.manage = ManagedRace{};
        s.organiser.manage.race = r.body["id"];
        s.organiser.manage.link = r.body["invitation"]["url"];
        s.organiser.name.clear();
        s.organiser.description.clear();
        RefreshRaces(s);
        LoadManage(s);
      });
    }
    Tag(s, "organiser.create");
  }
}

}  // namespace

void DrawOrganiser(AppState& s) {
  s.title = "Organiser";
  A11yHeading(s, "Organiser");
  if (!s.signed_in()) {
    ImGui::TextDisabled("Sign in (Account) to organise community races.");
    return;
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Races I organise");
  json mine = json::array();
  for (const auto& race : s.my_races) {
    if (!race.value("organiser", false)) continue;
    const int64_t id = race["id"];
    mine.push_back(race["name"]);
    if (ImGui::Selectable((race["name"].get<std::string>() + "  (" + race["status"].get<std::string>() + ")##org" + std::to_string(id)).c_str(),
                          s.organiser.manage.race == id)) {
      s.organiser.manage = ManagedRace{};
      s.organiser.manage.race = id;
      LoadManage(s);
    }
    Tag(s, "organiser.race." + race["name"].get<std::string>());
  }
  if (mine.empty()) ImGui::TextDisabled("None yet: create one below.");
  ShowValue(s, "organiser.races", mine);
  if (s.organiser.manage.race == 0) return CreateRaceForm(s);

  ImGui::Separator();
  const std::string base = "/races/" + std::to_string(s.organiser.manage.race);
  const json& race = s.race_detail[s.organiser.manage.race];
  if (race.is_object() && race.contains("name")) ImGui::Text("%s: %s", race["name"].get<std::string>().c_str(), race["status"].get<std::string>().c_str());
  InvitationLink(s, s.organiser.manage.link);
  if (s.organiser.manage.link.empty() && s.organiser.manage.invitation.is_object() && s.organiser.manage.invitation.contains("note"))
    ImGui::TextDisabled("This link was made before links were kept for organisers: reset it to get one to share.");
  if (s.organiser.manage.invitation.is_object()) {
    ImGui::TextDisabled("The link expires %s; used %lld time(s)%s.", ShortTime(s.organiser.manage.invitation["expires_at"]).c_str(),
                        static_cast<long long>(s.organiser.manage.invitation["uses"].get<int64_t>()),
                        s.organiser.manage.invitation["max_uses"].is_null() ? "" : (" of " + s.organiser.manage.invitation["max_uses"].dump()).c_str());
    ShowValue(s, "organiser.uses", s.organiser.manage.invitation["uses"]);
  }
  if (ImGui::Button("Reset the link")) OpenConfirm(s, "organiser.reset.confirm");
  Tag(s, "organiser.reset");
  if (Confirm(s, "organiser.reset.confirm",
              "Reset the invitation link? The old link stops working at once: anyone who has it but has not joined yet will "
              "need the new one. People who already joined stay in the race.",
              "Reset the link", "Keep the old link")) {
    ApiCall(s, "POST", base + "/invitation", json::object(), [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      s.organiser.manage.link = r.body["url"];
      LoadManage(s);
    });
  }
  SameLineIfRoom(s);
  if (ImGui::Button("Close the race now")) {
    ApiCall(s, "PATCH", base, json{{"closes_at", InDays(0.0002)}}, [&s](const ApiResult& r) {
      if (!r.ok()) return ShowError(s, r.problem);
      s.race_detail[s.organiser.manage.race] = r.body;
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
      s.race_detail[s.organiser.manage.race] = r.body;
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
      s.organiser.manage = ManagedRace{};
      RefreshRaces(s);
    });
  }
  // Who sees the leaderboard: participants only, or anyone (and other sites, embedded).
  if (race.is_object() && race.contains("visibility")) {
    bool public_board_now = race["visibility"] == "public";
    if (ImGui::Checkbox("Public leaderboard##visibility", &public_board_now)) {
      ApiCall(s, "PATCH", base, json{{"visibility", public_board_now ? "public" : "participants"}}, [&s](const ApiResult& r) {
        if (!r.ok()) return ShowError(s, r.problem);
        s.race_detail[s.organiser.manage.race] = r.body;
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
    for (const auto& p : s.organiser.manage.participants) {
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
          LoadManage(s);
        });
      Tag(s, "organiser.remove." + alias);
      ImGui::SameLine();
      if (!p["best_ms"].is_null() && ImGui::SmallButton(("Remove entry##e" + rid).c_str()))
        ApiCall(s, "DELETE", base + "/leaderboard/" + rid, nullptr, [&s](const ApiResult& r) {
          if (!r.ok()) return ShowError(s, r.problem);
          LoadManage(s);
        });
    }
    ImGui::EndTable();
  }
  if (s.organiser.manage.participants.empty()) ImGui::TextDisabled("Nobody has joined yet: share the link.");
  ShowValue(s, "organiser.participants", people);
  CreateRaceForm(s);
}

}  // namespace pw::web
