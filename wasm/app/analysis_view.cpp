// Where did I lose time? The runs being watched, analysed by the core from
// their traces: one lap of A against one of B (lap times, sector times and
// deltas, the time delta and the speeds along the lap, both racing lines with
// where A gains and loses), and each run in depth (speed on the track, where it
// left it, its laps and actions, the simtrace CSV). Nothing new is stored.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../platform/files.h"
#include "../platform/page.h"
#include "state.h"

namespace pw::web {
namespace {

const ImU32 kColourA = IM_COL32(228, 87, 46, 255), kColourB = IM_COL32(80, 170, 255, 255);

std::string Ms(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f s", ms / 1000.0);
  return b;
}

std::string SignedMs(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.3f s", ms / 1000.0);
  return b;
}

/// The complete laps of a run, as choices ("Lap 2 · 10.034 s"); `laps` gets their numbers.
std::vector<ChoiceOption> LapOptions(const RunAnalysis& run, std::vector<int>& laps) {
  std::vector<ChoiceOption> out;
  for (const LapResult& l : run.result.laps)
    if (l.status == LapStatus::kComplete) {
      laps.push_back(l.lap);
      out.push_back({"Lap " + std::to_string(l.lap) + " \u00b7 " + Secs(l.time_ms) + (l.lap == run.best_lap() ? " (best)" : ""),
                     std::to_string(l.lap)});
    }
  return out;
}

/// A lap chooser: `lap` 0 means the run's best.
void LapChoice(AppState& s, const std::string& tag, const std::string& name, const RunAnalysis& run, int& lap) {
  std::vector<int> laps;
  const auto options = LapOptions(run, laps);
  const int current = lap > 0 ? lap : run.best_lap();
  int index = static_cast<int>(std::find(laps.begin(), laps.end(), current) - laps.begin());
  FitNextItem(s, 200, "");
  if (Choice(s, tag, "", name, index, options)) lap = laps[static_cast<size_t>(index)];
}

void DrawComparison(AppState& s, ReplayRun& a, ReplayRun& b, const Track& track) {
  AnalysisView& v = s.analysis;
  const RunAnalysis& ra = a.analysis->run;
  const RunAnalysis& rb = b.analysis->run;
  if (ra.best_lap() == 0 || rb.best_lap() == 0) {
    ImGui::TextDisabled("Both runs need a complete lap to compare.");
    return;
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColourA), "A: %s", a.alias.c_str());
  ImGui::SameLine();
  LapChoice(s, "analysis.lap_a", "Lap of A (" + a.alias + ")", ra, v.lap_a);
  SameLineIfRoom(s);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColourB), "B: %s", b.alias.c_str());
  ImGui::SameLine();
  LapChoice(s, "analysis.lap_b", "Lap of B (" + b.alias + ")", rb, v.lap_b);
  FitNextItem(s, 160, "Sectors (0: one per corner)");
  Slider(s, "Sectors (0: one per corner)", v.sectors, 0, 12);
  Tag(s, "analysis.sectors");

  const int lap_a = v.lap_a > 0 ? v.lap_a : ra.best_lap(), lap_b = v.lap_b > 0 ? v.lap_b : rb.best_lap();
  const std::array<int64_t, 5> wanted{a.submission_id, b.submission_id, lap_a, lap_b, v.sectors};
  if (!v.comparison || v.computed_for != wanted) {
    v.sector_starts = v.sectors > 0 ? EqualSectors(ra.lap_length_m, v.sectors) : CornerSectors(track);
    v.comparison = std::make_shared<const LapComparison>(CompareLaps(ra, lap_a, rb, lap_b, v.sector_starts));
    v.computed_for = wanted;
  }
  const std::vector<double>& starts = v.sector_starts;
  const LapComparison& c = *v.comparison;

  // Laps side by side.
  std::vector<std::vector<std::string>> lap_rows;
  const size_t laps = std::max(ra.result.laps.size(), rb.result.laps.size());
  for (size_t i = 0; i < laps; ++i) {
    const LapResult* la = i < ra.result.laps.size() ? &ra.result.laps[i] : nullptr;
    const LapResult* lb = i < rb.result.laps.size() ? &rb.result.laps[i] : nullptr;
    const auto text = [](const LapResult* l) { return l == nullptr ? "-" : l->status == LapStatus::kComplete ? Secs(l->time_ms) : ToString(l->status); };
    const bool both = la && lb && la->status == LapStatus::kComplete && lb->status == LapStatus::kComplete;
    lap_rows.push_back({std::to_string(i + 1), text(la), text(lb), both ? SignedMs(static_cast<double>(la->time_ms - lb->time_ms)) : "-"});
  }
  // Sectors: where A gains (green) and loses (red) against B.
  std::vector<std::vector<std::string>> sector_rows;
  for (size_t k = 0; k < c.sector_delta_ms.size(); ++k) {
    char where[48];
    std::snprintf(where, sizeof where, "%.1f-%.1f", c.sector_start_m[k], c.sector_start_m[k + 1]);
    sector_rows.push_back({std::to_string(k + 1), where, Ms(c.sector_a_ms[k]), Ms(c.sector_b_ms[k]), SignedMs(c.sector_delta_ms[k])});
  }
  sector_rows.push_back({"Lap", "", Ms(c.lap_a_ms), Ms(c.lap_b_ms), SignedMs(c.lap_a_ms - c.lap_b_ms)});
  A11yTable(s, "Laps, A against B", {"Lap", "A (" + a.alias + ")", "B (" + b.alias + ")", "A - B"}, lap_rows);
  A11yTable(s, "Sectors, A's lap " + std::to_string(lap_a) + " against B's lap " + std::to_string(lap_b),
            {"Sector", "Where (m)", "A", "B", "A - B"}, sector_rows);

  const float table_w = s.narrow ? ImGui::GetContentRegionAvail().x : std::min(s.Px(400), ImGui::GetContentRegionAvail().x * 0.5f);
  auto table = [&](const char* id, const std::vector<const char*>& heads, const std::vector<std::vector<std::string>>& rows, bool colour_last) {
    if (!ImGui::BeginTable(id, static_cast<int>(heads.size()), ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(table_w, 0))) return;
    for (const char* h : heads) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& row : rows) {
      ImGui::TableNextRow();
      for (size_t i = 0; i < row.size(); ++i) {
        ImGui::TableNextColumn();
        const bool signed_cell = colour_last && i + 1 == row.size() && !row[i].empty() && (row[i][0] == '+' || row[i][0] == '-') && row[i] != "-";
        if (signed_cell && row[i] != "+0.000 s" && row[i] != "-0.000 s")
          ImGui::TextColored(row[i][0] == '+' ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.4f, 0.9f, 0.5f, 1), "%s", row[i].c_str());
        else ImGui::TextUnformatted(row[i].c_str());
      }
    }
    ImGui::EndTable();
  };
  ImGui::BeginGroup();
  table("analysis.laps", {"Lap", "A", "B", "A - B"}, lap_rows, true);
  ImGui::Spacing();
  table("analysis.sectortable", {"Sector", "Where (m)", "A", "B", "A - B"}, sector_rows, true);
  ImGui::TextDisabled("+ : A slower than B there; - : A faster.");
  ImGui::EndGroup();
  Tag(s, "analysis.tables");

  // Both lines on the track: B's thin, A's coloured by where it gains (green) and loses (red).
  std::vector<Vec2> line_a, line_b;
  std::vector<ImU32> colours_a, colours_b;
  const double step = c.at_m.size() > 1 ? c.at_m[1] - c.at_m[0] : 1.0;
  for (const RunStep* r : ra.lap_steps(lap_a)) {
    line_a.push_back({r->x, r->y});
    const size_t i = std::min(c.delta_ms.size() - 2, static_cast<size_t>(std::max(0.0, r->distance_m / step)));
    const double rate = (c.delta_ms[i + 1] - c.delta_ms[i]) / step;  // ms lost per metre
    const float t = static_cast<float>(std::clamp(std::fabs(rate) / 80.0, 0.15, 1.0));
    colours_a.push_back(rate > 0 ? ImGui::ColorConvertFloat4ToU32(ImVec4(1.0f, 0.3f * (1 - t) + 0.2f, 0.2f, 1))
                                 : ImGui::ColorConvertFloat4ToU32(ImVec4(0.2f, 0.5f + 0.5f * t, 0.3f, 1)));
  }
  for (const RunStep* r : rb.lap_steps(lap_b)) {
    line_b.push_back({r->x, r->y});
    colours_b.push_back(kColourB);
  }
  TrackOverlay ob, oa;
  ob.line = &line_b;
  ob.line_colours = &colours_b;
  ob.line_width = 0.8f;
  oa.line = &line_a;
  oa.line_colours = &colours_a;
  oa.line_width = 1.8f;
  if (!s.narrow) ImGui::SameLine();
  const float w = s.narrow ? ImGui::GetContentRegionAvail().x : std::min(s.Px(460), ImGui::GetContentRegionAvail().x);
  TrackView& view = s.views["analysis" + std::to_string(s.analysis.race)];
  DrawTrack("##analysistrack", track, view, ImVec2(w, w * 0.72f), true, {ob, oa});
  Tag(s, "analysis.track");
  ResetViewButton("analysis", view);

  ImGui::TextUnformatted("Time gained and lost along the lap (A - B: up is A losing time)");
  LineChart(s, "##deltachart", c.at_m, {{&c.delta_ms, kColourA, "A - B"}}, 110, "ms", starts);
  Tag(s, "analysis.delta");
  ImGui::TextUnformatted("Speed along the lap");
  LineChart(s, "##speedchart", c.at_m, {{&c.speed_a, kColourA, "A"}, {&c.speed_b, kColourB, "B"}}, 110, "m/s", starts);
  Tag(s, "analysis.speed");

  if (v.first_drawn_ms < 0) v.first_drawn_ms = NowMs() - v.requested_ms;
  ShowValue(s, "analysis", {{"a", v.a}, {"b", v.b}, {"lap_a", lap_a}, {"lap_b", lap_b}, {"sectors_m", c.sector_start_m},
                            {"sector_a_ms", c.sector_a_ms}, {"sector_b_ms", c.sector_b_ms}, {"sector_delta_ms", c.sector_delta_ms},
                            {"lap_a_ms", c.lap_a_ms}, {"lap_b_ms", c.lap_b_ms}, {"first_drawn_ms", v.first_drawn_ms}});
}

}  // namespace

void CompareRuns(AppState& s, int64_t race_id, int64_t a, int64_t b) {
  WatchRun(s, race_id, a, false);
  WatchRun(s, race_id, b, true);
  s.watch_playing = false;
  s.analysis = AnalysisView{};
  s.analysis.race = race_id;
  s.analysis.a = a;
  s.analysis.b = b;
  s.analysis.requested_ms = NowMs();
}

void DrawRunAnalysis(AppState& s, const AnalysedRun& analysed, const Track& track, const std::string& id, int& lap, const std::string& csv_name) {
  const RunAnalysis& run = analysed.run;
  // Which lap: all of them, or one.
  std::vector<ChoiceOption> options{{"All laps", "all"}};
  for (const LapResult& l : run.result.laps) options.push_back({"Lap " + std::to_string(l.lap) + " \u00b7 " + Secs(l.time_ms), std::to_string(l.lap)});
  int index = std::clamp(lap, 0, static_cast<int>(options.size()) - 1);
  FitNextItem(s, 200, "");
  if (Choice(s, id + ".lap", "", "Lap to study", index, options)) lap = index;
  ImGui::SameLine();
  if (ImGui::SmallButton(("Download the steps (CSV)##" + id).c_str())) DownloadFile(csv_name, SimtraceCsv(run), "text/csv");
  Tag(s, id + ".csv");

  // Speed on the track, and crosses where the car left it.
  std::vector<Vec2> line, marks;
  std::vector<ImU32> colours;
  for (const RunStep& r : run.steps) {
    if (lap > 0 && r.lap != lap) continue;
    if (r.held) continue;
    line.push_back({r.x, r.y});
    colours.push_back(SpeedColour(static_cast<float>(r.car_speed_mps)));
  }
  const RunFigures& f = analysed.figures;
  for (const RunStep* r : f.off_track)
    if (lap == 0 || r->lap == lap) marks.push_back({r->x, r->y});
  TrackOverlay heat;
  heat.line = &line;
  heat.line_colours = &colours;
  heat.line_width = 2.0f;
  heat.marks = &marks;
  const float w = s.narrow ? ImGui::GetContentRegionAvail().x : std::min(s.Px(460), ImGui::GetContentRegionAvail().x * 0.55f);
  TrackView& view = s.views[id];
  ImGui::BeginGroup();
  DrawTrack(("##heat" + id).c_str(), track, view, ImVec2(w, w * 0.72f), true, {heat});
  Tag(s, id + ".heatmap");
  ImGui::TextDisabled("Speed: blue slow, red fast; crosses: off track");
  ResetViewButton(id.c_str(), view);
  ImGui::EndGroup();
  if (!s.narrow) ImGui::SameLine();

  // Every lap's figures, and how the car was driven.
  ImGui::BeginGroup();
  std::vector<std::vector<std::string>> rows;
  for (const LapResult& l : run.result.laps)
    rows.push_back({std::to_string(l.lap), Secs(l.time_ms), ToString(l.status), std::to_string(l.off_track_count), std::to_string(l.resets)});
  A11yTable(s, "Laps", {"Lap", "Time (s)", "Status", "Off track", "Resets"}, rows);
  if (ImGui::BeginTable(("laps" + id).c_str(), 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    for (const char* h : {"Lap", "Time", "Status", "Off", "Resets"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& row : rows) {
      ImGui::TableNextRow();
      for (const auto& cell : row) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(cell.c_str());
      }
    }
    ImGui::EndTable();
  }
  auto labels = [](const Histogram& h, const char* unit) {
    std::vector<std::string> out;
    for (size_t i = 0; i < h.counts.size(); ++i) {
      char b[32];
      std::snprintf(b, sizeof b, "%.0f%s", h.lo + (h.hi - h.lo) * static_cast<double>(i) / static_cast<double>(h.counts.size()), unit);
      out.push_back(b);
    }
    return out;
  };
  ImGui::TextUnformatted("Steering (degrees, + = left)");
  BarChart(s, ("##steer" + id).c_str(), f.steering_deg.counts, labels(f.steering_deg, "\u00b0"), 80);
  ImGui::TextUnformatted("Speed asked for (m/s)");
  BarChart(s, ("##speed" + id).c_str(), f.speed_mps.counts, labels(f.speed_mps, ""), 80);
  if (!f.action_counts.empty()) {
    ImGui::TextUnformatted("Actions chosen");
    std::vector<std::string> names;
    for (size_t i = 0; i < f.action_counts.size(); ++i) names.push_back("#" + std::to_string(i));
    BarChart(s, ("##actions" + id).c_str(), f.action_counts, names, 80);
  }
  ImGui::EndGroup();
  ShowValue(s, id, {{"rows", run.steps.size()}, {"off_track", f.off_track.size()}, {"steering_counts", f.steering_deg.counts},
                    {"action_counts", f.action_counts}, {"lap", lap}});
}

void DrawAnalysis(AppState& s, int64_t race_id) {
  std::vector<ReplayRun*> ready;
  for (const auto& w : s.watch)
    if (w->phase == ReplayRun::Phase::kReady && w->analysis) ready.push_back(w.get());
  if (ready.empty() || !s.race_tracks.count(race_id)) return;
  const Track& track = *s.race_tracks[race_id];
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::TextUnformatted("Analysis");
  A11yHeading(s, "Analysis");
  // Two runs asked for and one still on its way: the comparison comes when both are in (showing
  // the one run meanwhile would leave its tab chosen over the comparison's).
  const bool loading = std::any_of(s.watch.begin(), s.watch.end(), [](const auto& w) { return w->phase == ReplayRun::Phase::kLoading; });
  if (loading) {
    ImGui::TextDisabled("Fetching the runs...");
    return;
  }
  if (ready.size() == 1 && s.watch.size() == 1 && s.leaderboards.count(race_id)) {
    const std::vector<LeaderboardEntry>& entries = s.leaderboards[race_id];
    if (!entries.empty() && entries[0].submission_id != ready[0]->submission_id) {
      if (ImGui::SmallButton("Compare with the leader")) CompareRuns(s, race_id, ready[0]->submission_id, entries[0].submission_id);
      Tag(s, "analysis.vsleader");
    }
  }
  if (ImGui::BeginTabBar("##analysis")) {
    // A comparison just asked for is shown, whichever tab was chosen before.
    const bool fresh = s.analysis.race == race_id && s.analysis.first_drawn_ms < 0;
    const bool compare = ready.size() == 2 && ImGui::BeginTabItem("Compare A with B", nullptr, fresh ? ImGuiTabItemFlags_SetSelected : 0);
    if (ready.size() == 2) Tag(s, "analysis.tab.compare");
    if (compare) {
      if (s.analysis.race != race_id || s.analysis.a != ready[0]->submission_id || s.analysis.b != ready[1]->submission_id) {
        s.analysis = AnalysisView{};
        s.analysis.race = race_id;
        s.analysis.a = ready[0]->submission_id;
        s.analysis.b = ready[1]->submission_id;
        s.analysis.requested_ms = NowMs();
      }
      DrawComparison(s, *ready[0], *ready[1], track);
      ImGui::EndTabItem();
    }
    for (ReplayRun* r : ready) {
      const bool open = ImGui::BeginTabItem((r->alias + "'s run##" + std::to_string(r->submission_id)).c_str());
      Tag(s, "analysis.tab." + std::to_string(r->submission_id));
      if (!open) continue;
      DrawRunAnalysis(s, *r->analysis, track, "analysis.run" + std::to_string(r->submission_id), s.analysis.run_lap,
                      "submission-" + std::to_string(r->submission_id) + "-steps.csv");
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
}

}  // namespace pw::web
