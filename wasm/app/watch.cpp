// Watching runs: the server's trace of a leaderboard entry, re-simulated by
// the same core in the browser, frame for frame; "verified" when the replay's
// laps equal the server's. Two runs at once in ghost mode.
#include <algorithm>
#include <memory>

#include "../platform/page.h"
#include "pitwall/json_codec.h"
#include "pitwall/replay.h"
#include "state.h"

namespace pw::web {

void WatchRun(AppState& s, int64_t race_id, int64_t submission_id, bool as_ghost) {
  if (!as_ghost || s.watch_race != race_id) s.watch.clear();
  if (s.watch.size() >= 2) s.watch.pop_back();
  for (const auto& w : s.watch)
    if (w->submission_id == submission_id) return;
  s.watch_race = race_id;
  s.watch_ms = 0;
  s.watch_playing = true;
  auto run = std::make_unique<ReplayRun>();
  run->submission_id = submission_id;
  run->requested_ms = NowMs();
  ReplayRun* raw = run.get();
  s.watch.push_back(std::move(run));
  auto alive = [&s, raw] {
    return std::any_of(s.watch.begin(), s.watch.end(), [raw](const auto& w) { return w.get() == raw; });
  };
  // The run (the server's laps) and its trace, fetched once (or prefetched with the leaderboard);
  // the replay starts when both are in.
  FetchRun(s, submission_id, [&s, raw, alive, race_id](const FetchedRun& f) {
    if (!alive()) return;
    if (!f.run.ok()) {
      raw->phase = ReplayRun::Phase::kFailed;
      raw->error = f.run.problem;
      return;
    }
    raw->alias = f.run.body["alias"];
    raw->server_laps = f.run.body["laps"];
    auto trace = f.trace_status == 200 ? DecodeTrace(f.trace)
                                       : Result<DecodedTrace>(Error{"the trace could not be fetched (HTTP " + std::to_string(f.trace_status) + ")"});
    if (!trace || !s.race_tracks.count(race_id) || !s.race_detail[race_id].is_object()) {
      raw->phase = ReplayRun::Phase::kFailed;
      raw->error = trace ? "the race's track is not loaded" : trace.error().message;
      return;
    }
    const RaceRules rules = RulesOf(s.race_detail[race_id]);
    raw->result = RecordReplay(*s.race_tracks[race_id], rules, trace.value(), raw->frames);
    raw->course = MakeCourseView(s.race_tracks[race_id], rules);
    raw->analysis = std::make_shared<const AnalysedRun>(AnalyseRun(*s.race_tracks[race_id], rules, trace.value().steps, ReplayConfig(trace.value())));
    const auto server_laps = LapsFromJson(raw->server_laps);
    if (!server_laps) {
      raw->phase = ReplayRun::Phase::kFailed;
      raw->error = "the server's laps cannot be read: " + server_laps.error().message;
      return;
    }
    const std::vector<LapResult>& expected = server_laps.value();
    raw->verified = raw->result.laps.size() == expected.size();
    for (size_t i = 0; raw->verified && i < expected.size(); ++i)
      if (raw->result.laps[i].time_ms != expected[i].time_ms || raw->result.laps[i].status != expected[i].status) {
        raw->verified = false;
        raw->difference = "lap " + std::to_string(i + 1) + ": replay " + Secs(raw->result.laps[i].time_ms) + ", server " + Secs(expected[i].time_ms);
      }
    if (!raw->verified && raw->difference.empty()) raw->difference = "the replay has a different number of laps";
    raw->phase = ReplayRun::Phase::kReady;
    raw->start_ms = NowMs() - raw->requested_ms;
  });
}

void FetchRun(AppState& s, int64_t submission_id, std::function<void(const FetchedRun&)> done) {
  auto& slot = s.fetched_runs[submission_id];
  if (slot && slot->complete()) return done(*slot);
  const bool asked = slot != nullptr;
  if (!slot) slot = std::make_shared<FetchedRun>();
  slot->waiting.push_back(std::move(done));
  if (asked) return;
  // Both answers in: everyone waiting is told; a failure is forgotten (the next ask tries again).
  auto settle = [&s, submission_id] {
    auto it = s.fetched_runs.find(submission_id);
    if (it == s.fetched_runs.end() || !it->second->complete()) return;
    const std::shared_ptr<FetchedRun> f = it->second;
    auto waiting = std::move(f->waiting);
    f->waiting.clear();
    if (!f->run.ok() || f->trace_status != 200) s.fetched_runs.erase(it);
    for (auto& cb : waiting) cb(*f);
  };
  const std::string base = "/submissions/" + std::to_string(submission_id);
  ApiCall(s, "GET", base + "/run", nullptr, [&s, submission_id, settle](const ApiResult& r) {
    auto it = s.fetched_runs.find(submission_id);
    if (it == s.fetched_runs.end()) return;
    it->second->run = r;
    it->second->run_in = true;
    settle();
  });
  // The browser inflates the trace (Content-Encoding: deflate).
  ApiGetRaw(s, base + "/trace", [&s, submission_id, settle](int status, const std::string& bytes) {
    auto it = s.fetched_runs.find(submission_id);
    if (it == s.fetched_runs.end()) return;
    it->second->trace_status = status;
    it->second->trace = bytes;
    it->second->trace_in = true;
    settle();
  });
}

void PrefetchRun(AppState& s, int64_t submission_id) {
  if (!s.fetched_runs.count(submission_id)) FetchRun(s, submission_id, [](const FetchedRun&) {});
}

void AdvanceWatch(AppState& s, double dt_ms) {
  if (!s.watch_playing) return;
  double end = 0;
  for (const auto& w : s.watch)
    if (w->phase == ReplayRun::Phase::kReady && !w->frames.empty()) end = std::max(end, static_cast<double>(w->frames.back().time_ms));
  if (end <= 0) return;
  s.watch_ms = std::min(end, s.watch_ms + dt_ms * s.watch_speed);
  if (s.watch_ms >= end) s.watch_playing = false;
}

void DrawWatch(AppState& s, int64_t race_id) {
  if (s.watch.empty() || s.watch_race != race_id || !s.race_tracks.count(race_id)) return;
  ImGui::Separator();
  ImGui::TextUnformatted(s.watch.size() == 2 ? "Watching two runs (ghost mode)" : "Watching a run, replayed here from the server's trace");
  static const ImU32 colours[2] = {IM_COL32(228, 87, 46, 255), IM_COL32(80, 170, 255, 255)};
  json probe = json::array();
  std::vector<TrackOverlay> overlays;
  double end = 0;
  for (size_t k = 0; k < s.watch.size(); ++k) {
    ReplayRun& w = *s.watch[k];
    json p = {{"submission", w.submission_id}, {"phase", w.phase == ReplayRun::Phase::kReady ? "ready" : w.phase == ReplayRun::Phase::kFailed ? "failed" : "loading"}};
    if (w.phase == ReplayRun::Phase::kReady) {
      const auto it = std::upper_bound(w.frames.begin(), w.frames.end(), s.watch_ms, [](double ms, const Frame& f) { return ms < f.time_ms; });
      const int at = std::max(0, static_cast<int>(it - w.frames.begin()) - 1);
      TrackOverlay overlay{&w.frames, at, colours[k], s.watch.size() == 1};
      if (k == 0 && w.course) {  // the course once, where the first run's clock has it
        overlay.course = w.course.get();
        p["race_type"] = ToString(RulesOf(s.race_detail[race_id]).race_type);
        json objects = json::array();  // where each box and bot is drawn now, to the centimetre
        for (const CourseObject& o : w.course->At(w.frames[static_cast<size_t>(at)]))
          objects.push_back({{"kind", o.kind == ObjectKind::kBox ? "box" : "bot"}, {"x", std::round(o.footprint.center.x * 100) / 100},
                             {"y", std::round(o.footprint.center.y * 100) / 100}});
        p["objects"] = objects;
        int crashes = 0;
        for (const LapResult& l : w.result.laps) crashes += l.crash_count;
        p["crashes"] = crashes;
      }
      overlays.push_back(overlay);
      end = std::max(end, static_cast<double>(w.frames.back().time_ms));
      p["verified"] = w.verified;
      p["start_ms"] = w.start_ms;
      p["alias"] = w.alias;
      p["laps"] = w.result.laps.size();
    }
    probe.push_back(p);
  }
  ShowValue(s, "watch", probe);
  if (ImGui::Button(s.watch_playing ? "Pause##watch" : "Play##watch")) {
    if (!s.watch_playing && s.watch_ms >= end) s.watch_ms = 0;
    s.watch_playing = !s.watch_playing;
  }
  for (int speed : {1, 2, 4, 8, 16}) {
    ImGui::SameLine();
    if (ImGui::RadioButton((std::to_string(speed) + "x##watch").c_str(), s.watch_speed == speed)) s.watch_speed = speed;
    Tag(s, "watch.speed" + std::to_string(speed));
  }
  float at = static_cast<float>(s.watch_ms / 1000.0);
  FitNextItem(s, 360, "");
  if (SliderSeconds(s, "##watchscrub", "Position in the replay", at, 0.0f, static_cast<float>(end / 1000.0))) {
    s.watch_ms = at * 1000.0;
    s.watch_playing = false;
  }
  ImGui::SameLine();
  const bool close = ImGui::SmallButton("Close##watch");
  Tag(s, "watch.close");
  if (close) {
    s.watch.clear();
    return;
  }
  const float w = std::min(s.Px(520.0f), ImGui::GetContentRegionAvail().x * 0.6f);
  TrackView& view = s.views["watch" + std::to_string(race_id)];
  DrawTrack("##watchtrack", *s.race_tracks[race_id], view, ImVec2(w, w * 0.72f), true, overlays);
  ResetViewButton("watch", view);
  Tag(s, "watch.track");
  ImGui::SameLine();
  ImGui::BeginGroup();
  for (size_t k = 0; k < s.watch.size(); ++k) {
    ReplayRun& r = *s.watch[k];
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours[k]), "%s (submission %lld)", r.alias.c_str(), static_cast<long long>(r.submission_id));
    if (r.phase == ReplayRun::Phase::kLoading) {
      ImGui::TextDisabled("loading the trace...");
      continue;
    }
    if (r.phase == ReplayRun::Phase::kFailed) {
      ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", r.error.c_str());
      continue;
    }
    // The column beside the track may be narrow: words wrap, the table fits.
    ImGui::PushTextWrapPos(0.0f);
    if (r.verified) ImGui::TextColored(ImVec4(0.4f, 0.9f, 0.5f, 1), "verified: the replay's laps equal the server's");
    else ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "does not match: %s", r.difference.c_str());
    ImGui::TextDisabled("ready to play %.0f ms after asking", r.start_ms);
    ImGui::PopTextWrapPos();
    const float table_w = std::min(s.Px(320), ImGui::GetContentRegionAvail().x);
    if (ImGui::BeginTable(("watchlaps" + std::to_string(k)).c_str(), 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(table_w, s.Px(0)))) {
      for (const char* h : {"Lap", "Time", "Status"}) ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      int64_t finish = 0;
      for (const LapResult& l : r.result.laps) {
        finish += l.time_ms;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", l.lap);
        ImGui::TableNextColumn();
        if (finish <= s.watch_ms || s.watch_ms >= end) ImGui::TextUnformatted(Secs(l.time_ms).c_str());
        else ImGui::TextDisabled("...");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ToString(l.status));
      }
      ImGui::EndTable();
    }
  }
  ImGui::EndGroup();
  DrawAnalysis(s, race_id);
}

}  // namespace pw::web
