// Garage: my models (upload through the gate, see the contract and the
// verdict, rename, delete) and Try on track: a browser trial of any of them on
// any built-in track.
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "../platform/files.h"
#include "../platform/page.h"
#include "state.h"

namespace pw::web {
namespace {

// The race types a model's sensors suit (the core's SensorsSuit): boxes and bots are seen only by a LIDAR.
std::string Suits(const json& md) {
  std::vector<SensorKind> kinds;
  for (const auto& name : md.value("sensor", json::array())) {
    SensorKind k;
    if (name.is_string() && ParseSensorKind(name.get<std::string>(), k)) kinds.push_back(k);
  }
  return SensorsSuit(kinds, RaceType::kHeadToBot) ? "suits every race type" : "suits time trials (it cannot see boxes or bots)";
}

std::string Contract(const json& md) {
  std::string sensors;
  for (const auto& s : md.value("sensor", json::array())) sensors += (sensors.empty() ? "" : ", ") + s.get<std::string>();
  std::string actions = md.value("action_space_type", std::string());
  if (actions == "discrete") actions += " (" + std::to_string(md["action_space"].size()) + " actions)";
  return sensors + ", " + actions + "; " + Suits(md);
}

}  // namespace

void DrawGarage(AppState& s) {
  s.title = "Garage";
  A11yHeading(s, "Garage");
  if (!s.signed_in()) {
    ImGui::TextDisabled("Sign in (Account) to keep models in your garage.");
    return;
  }
  GarageScreen& g = s.garage;
  ImGui::Spacing();
  if (ImGui::Button("Upload a model (.onnx)")) {
    PickFile(".onnx", [&s](const std::string& name, const std::string& bytes) {
      std::string stem = name.substr(0, name.find_last_of('.'));
      if (stem.empty() || stem.size() > 64) stem = "model";
      s.garage.last_upload = {{"file", name}, {"state", "checking"}};
      ApiUpload(s, "/models?name=" + stem, bytes, "application/octet-stream", [&s, name, session = s.session](const ApiResult& r) {
        if (session != s.session) return;  // signed out meanwhile
        if (r.ok()) {
          s.garage.last_upload = {{"file", name}, {"state", "accepted"}, {"contract", Contract(r.body["metadata"])}};
          RefreshModels(s);
        } else {
          json problems = json::array();
          if (r.body.is_object() && r.body.contains("errors"))
            for (const auto& e : r.body["errors"]) problems.push_back(e["message"]);
          else problems.push_back(r.problem);
          s.garage.last_upload = {{"file", name}, {"state", "refused"}, {"problems", problems}};
        }
      });
    });
  }
  Tag(s, "garage.upload");
  if (g.last_upload.is_object()) {
    ImGui::SameLine();
    const std::string state = g.last_upload["state"];
    if (state == "accepted")
      ImGui::TextColored(ImVec4(0.4f, 0.9f, 0.5f, 1), "%s accepted: %s", g.last_upload["file"].get<std::string>().c_str(),
                         g.last_upload["contract"].get<std::string>().c_str());
    else if (state == "checking") ImGui::TextDisabled("checking %s...", g.last_upload["file"].get<std::string>().c_str());
    else {
      ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s refused by the model gate:", g.last_upload["file"].get<std::string>().c_str());
      for (const auto& p : g.last_upload["problems"]) ImGui::BulletText("%s", p.get<std::string>().c_str());
    }
    ShowValue(s, "garage.upload", g.last_upload);
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("My models");
  json names = json::array();
  // Phones: the name (its contract under it) and the buttons; wider screens add size and date.
  const bool wide = !s.narrow;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float buttons = ImGui::CalcTextSize("Rename").x + ImGui::CalcTextSize("Delete").x + 4 * st.FramePadding.x + st.ItemSpacing.x;
  if (ImGui::BeginTable("models", wide ? 5 : 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Name");
    if (wide) {
      ImGui::TableSetupColumn("Contract");
      ImGui::TableSetupColumn("Size");
      ImGui::TableSetupColumn("Uploaded");
    }
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, buttons);
    ImGui::TableHeadersRow();
    for (const auto& m : s.models) {
      const int64_t id = m["id"];
      const std::string name = m["name"];
      names.push_back(name);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (g.renaming == id) {
        TextField(s, "garage.rename.input", "##New name", g.new_name, {"", "text", "off", "", 160, 64});
        ImGui::SameLine();
        if (ImGui::SmallButton("Save") || TakeSubmit("garage.rename.input")) {
          ApiCall(s, "PATCH", "/models/" + std::to_string(id), json{{"name", g.new_name}}, [&s](const ApiResult& r) {
            if (!r.ok()) return ShowError(s, "Rename: " + r.problem);
            RefreshModels(s);
          });
          g.renaming = 0;
        }
        Tag(s, "garage.rename.save");
      } else {
        ImGui::TextUnformatted(name.c_str());
        if (!wide) ImGui::TextDisabled("%s", Contract(m["metadata"]).c_str());
      }
      if (wide) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(Contract(m["metadata"]).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.1f KB", m["size_bytes"].get<double>() / 1024.0);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ShortTime(m["created_at"]).c_str());
      }
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(("Rename##" + std::to_string(id)).c_str())) {
        g.renaming = id;
        g.new_name = name;
      }
      Tag(s, "garage.rename." + name);
      ImGui::SameLine();
      if (ImGui::SmallButton(("Delete##" + std::to_string(id)).c_str())) OpenConfirm(s, "garage.delete.confirm." + std::to_string(id));
      Tag(s, "garage.delete." + name);
      if (Confirm(s, "garage.delete.confirm." + std::to_string(id),
                  "Delete the model \"" + name + "\"? Its submissions and their places on leaderboards stay; you cannot submit it again.",
                  "Delete the model", "Keep it"))
        ApiCall(s, "DELETE", "/models/" + std::to_string(id), nullptr, [&s](const ApiResult& r) {
          if (!r.ok()) return ShowError(s, "Delete: " + r.problem);
          RefreshModels(s);
        });
    }
    ImGui::EndTable();
  }
  if (s.models.empty()) ImGui::TextDisabled("No models yet. Train one with `pitwall model train` or bring your own .onnx.");
  ShowValue(s, "garage.models", names);

  // Try on track.
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextUnformatted("Try on track (runs in your browser, with the same racing core as the server)");
  std::vector<ChoiceOption> model_options, track_options;
  int model_index = -1, track_index = -1;
  for (const auto& m : s.models) {
    if (m["id"] == g.trial_model) model_index = static_cast<int>(model_options.size());
    model_options.push_back({m["name"].get<std::string>(), m["name"].get<std::string>()});
  }
  for (const auto& t : s.tracks) {
    if (t["id"] == g.trial_track) track_index = static_cast<int>(track_options.size());
    track_options.push_back({t.value("name", t["id"].get<std::string>()), t["id"].get<std::string>()});
  }
  FitNextItem(s, 200, "");
  if (Choice(s, "garage.trymodel", "", "Model to try", model_index, model_options, "choose a model")) g.trial_model = s.models[model_index]["id"];
  SameLineIfRoom(s);
  FitNextItem(s, 180, "");
  if (Choice(s, "garage.trytrack", "", "Track to try it on", track_index, track_options))
    g.trial_track = s.tracks[track_index]["id"];
  SameLineIfRoom(s);
  FitNextItem(s, 100, "laps");
  Slider(s, "laps", g.trial_laps, 1, 5);
  Tag(s, "garage.laps");
  ShowValue(s, "garage.laps", g.trial_laps);
  ImGui::SameLine();
  if (ImGui::Button("Run trial") && g.trial_model > 0 && s.builtin_tracks.count(g.trial_track)) {
    RaceRules rules = DefaultRaceRules();
    rules.laps = g.trial_laps;
    rules.min_laps = g.trial_laps;
    s.garage_trial = StartTrialRun(s, g.trial_model, s.builtin_tracks[g.trial_track], rules);
  }
  Tag(s, "garage.run");
  if (s.garage_trial) DrawTrialRun(s, *s.garage_trial, "garage");
}

}  // namespace pw::web
