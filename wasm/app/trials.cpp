// Browser trials: download the model, load it in ONNX Runtime Web, run the
// core's trial, then play it back (1x-16x, pause, scrub) with its lap table,
// speed and steering plots, and the path coloured by speed.
#include <algorithm>

#include "../platform/inference.h"
#include "state.h"

namespace pw::web {

std::unique_ptr<TrialRun> StartTrialRun(AppState& s, int64_t model_id, std::shared_ptr<const Track> track, const RaceRules& rules) {
  auto run = std::make_unique<TrialRun>();
  run->model_id = model_id;
  run->track = std::move(track);
  run->rules = rules;
  run->course = MakeCourseView(run->track, rules);
  for (const auto& m : s.models)
    if (m["id"] == model_id) {
      run->model_name = m["name"];
      auto md = ParseModelMetadata(m["metadata"].dump());
      if (md) run->metadata = md.value();
    }
  TrialRun* raw = run.get();
  const int64_t token = reinterpret_cast<int64_t>(raw);
  ApiGetRaw(s, "/models/" + std::to_string(model_id) + "/onnx", [&s, raw, token](int status, const std::string& bytes) {
    // The run may have been replaced meanwhile: only touch it if it is still current.
    TrialRun* current = s.garage_trial.get() == raw ? s.garage_trial.get() : (s.compare_trial.get() == raw ? s.compare_trial.get() : nullptr);
    if (!current || reinterpret_cast<int64_t>(current) != token) return;
    if (status != 200) {
      current->phase = TrialRun::Phase::kFailed;
      current->error = "the model could not be downloaded (HTTP " + std::to_string(status) + ")";
      return;
    }
    current->session = CreateSession(bytes);
    current->phase = TrialRun::Phase::kLoading;
  });
  return run;
}

void AdvanceTrialRun(AppState&, TrialRun& run, double dt_ms) {
  switch (run.phase) {
    case TrialRun::Phase::kLoading: {
      std::string error;
      const SessionState st = GetSessionState(run.session, &error);
      if (st == SessionState::kFailed) {
        run.phase = TrialRun::Phase::kFailed;
        run.error = "ONNX Runtime Web could not load the model: " + error;
      } else if (st == SessionState::kReady) {
        run.trial = std::make_unique<BrowserTrial>(run.track, run.rules, run.metadata);
        run.phase = TrialRun::Phase::kRunning;
        DriveTrial(run.session, run.trial->handle());
      }
      break;
    }
    case TrialRun::Phase::kRunning:
      if (run.trial->done()) {
        run.phase = TrialRun::Phase::kDone;
        run.play_ms = 0.0;
        ReleaseSession(run.session);
      }
      break;
    case TrialRun::Phase::kDone:
      if (run.playing && !run.trial->frames().empty()) {
        const double end = run.trial->frames().back().time_ms;
        run.play_ms = std::min(end, run.play_ms + dt_ms * run.speed);
        if (run.play_ms >= end) run.playing = false;
      }
      break;
    default:
      break;
  }
}

void DrawTrialRun(AppState& s, TrialRun& run, const std::string& id) {
  json probe = {{"phase", "downloading"}, {"model", run.model_name}};
  switch (run.phase) {
    case TrialRun::Phase::kDownloading:
      ImGui::TextDisabled("Downloading %s...", run.model_name.c_str());
      break;
    case TrialRun::Phase::kLoading:
      ImGui::TextDisabled("Loading %s into ONNX Runtime Web...", run.model_name.c_str());
      probe["phase"] = "loading";
      break;
    case TrialRun::Phase::kFailed:
      ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", run.error.c_str());
      probe["phase"] = "failed";
      probe["error"] = run.error;
      break;
    case TrialRun::Phase::kRunning:
      ImGui::ProgressBar(static_cast<float>(run.trial->progress_pct() / 100.0), ImVec2(s.Px(300), s.Px(0)), "running the trial in the browser");
      probe["phase"] = "running";
      break;
    case TrialRun::Phase::kDone: {
      probe["phase"] = "done";
      const BrowserTrial& t = *run.trial;
      const auto& frames = t.frames();
      const TrialResult& result = t.result();
      probe["wall_ms"] = t.wall_ms();
      json laps = json::array();
      for (const LapResult& l : result.laps) laps.push_back({{"time_ms", l.time_ms}, {"status", ToString(l.status)}});
      probe["laps"] = laps;
      if (!result.error.empty()) {
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "Model error: %s", result.error.c_str());
        probe["error"] = result.error;
      }
      // Playback controls.
      if (ImGui::Button(run.playing ? ("Pause##" + id).c_str() : ("Play##" + id).c_str())) {
        if (!run.playing && run.play_ms >= frames.back().time_ms) run.play_ms = 0;
        run.playing = !run.playing;
      }
      Tag(s, id + ".play");
      ImGui::SameLine();
      for (int speed : {1, 2, 4, 8, 16}) {
        ImGui::SameLine();
        if (ImGui::RadioButton((std::to_string(speed) + "x##" + id).c_str(), run.speed == speed)) run.speed = speed;
        Tag(s, id + ".speed" + std::to_string(speed));
      }
      float at_s = static_cast<float>(run.play_ms / 1000.0);
      FitNextItem(s, 420, "");
      if (SliderSeconds(s, "##scrub" + id, "Position in the run", at_s, 0.0f, frames.back().time_ms / 1000.0f)) {
        run.play_ms = at_s * 1000.0;
        run.playing = false;
      }
      Tag(s, id + ".scrub");
      ImGui::SameLine();
      ImGui::TextDisabled("ran in %.0f ms", t.wall_ms());
      const auto it = std::upper_bound(frames.begin(), frames.end(), run.play_ms, [](double ms, const Frame& f) { return ms < f.time_ms; });
      const int at = std::max(0, static_cast<int>(it - frames.begin()) - 1);
      const Frame& now = frames[static_cast<size_t>(at)];
      probe["play_ms"] = run.play_ms;

      const float w = std::min(s.Px(520.0f), ImGui::GetContentRegionAvail().x * 0.55f);
      TrackView& view = s.views["trial" + id + "." + run.track->id()];  // each track keeps its own zoom
      TrackOverlay overlay{&frames, at};
      overlay.course = run.course.get();
      DrawTrack(("##trial" + id).c_str(), *run.track, view, ImVec2(w, w * 0.72f), true, {overlay});
      Tag(s, id + ".track");
      ResetViewButton(("trial" + id).c_str(), view);
      ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::Text("Lap %d   %.2f m/s   steering %+.1f deg", now.lap, now.speed, now.steering_deg);
      // The lap table grows as the playback passes each finish.
      if (ImGui::BeginTable(("laps" + id).c_str(), 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(s.Px(330), s.Px(0)))) {
        for (const char* h : {"Lap", "Time", "Status", "Off track"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        int64_t lap_end = 0;
        for (const LapResult& l : result.laps) {
          lap_end = run.rules.lap_mode == LapMode::kContinuous ? lap_end + l.time_ms : 0;
          if (now.lap <= l.lap && at + 1 < static_cast<int>(frames.size())) break;
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::Text("%d", l.lap);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(Secs(l.time_ms).c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(ToString(l.status));
          ImGui::TableNextColumn();
          ImGui::Text("%d", l.off_track_count);
        }
        ImGui::EndTable();
      }
      // Speed and steering over the current lap.
      std::vector<float> speed, steer;
      for (const Frame& f : frames)
        if (f.lap == now.lap) {
          speed.push_back(f.speed);
          steer.push_back(f.steering_deg);
        }
      ImGui::PlotLines(("Speed##" + id).c_str(), speed.data(), static_cast<int>(speed.size()), 0, "m/s, this lap", 0.0f, 4.0f, ImVec2(s.Px(260), s.Px(70)));
      ImGui::PlotLines(("Steering##" + id).c_str(), steer.data(), static_cast<int>(steer.size()), 0, "deg", -30.0f, 30.0f, ImVec2(s.Px(260), s.Px(70)));
      ImGui::TextDisabled("Path colour: blue slow, red fast.");
      ImGui::EndGroup();
      // The trial in depth, as replays on a race's page: analysed by the core from its trace.
      if (ImGui::CollapsingHeader(("Analyse this trial##" + id).c_str())) {
        if (!run.analysis) run.analysis = std::make_shared<const AnalysedRun>(AnalyseRun(*run.track, run.rules, result.trace));
        DrawRunAnalysis(s, *run.analysis, *run.track, id + ".analysis", run.analysis_lap, "trial-" + run.model_name + "-steps.csv");
      }
      Tag(s, id + ".analyse");
      break;
    }
  }
  ShowValue(s, "trial." + id, probe);
}

}  // namespace pw::web
