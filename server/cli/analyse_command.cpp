// pitwall analyse: one run or two, re-simulated from their traces by the core,
// as JSON: the laps, the best lap, the sectors and (two runs) the comparison of
// a lap of each; or one run as DeepRacer's simtrace CSV. The same functions the
// browser app and the server's steps.csv call.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "evaluator.h"
#include "files.h"
#include "pitwall/analysis.h"
#include "pitwall/json_codec.h"
#include "pitwall/replay.h"
#include "track_source.h"

namespace pw::cli {
namespace {

struct AnalyseOptions {
  std::string track;
  std::string rules;
  std::vector<std::string> traces;
  int sectors = 0;
  int lap_a = 0, lap_b = 0;
  bool csv = false;
};

/// A trace file as the API serves it: the encoded trace, or still deflated.
Result<DecodedTrace> LoadTrace(const std::string& path) {
  auto bytes = ReadFile(path, 64u << 20);
  if (!bytes) return bytes.error();
  std::string raw = bytes.value();
  if (raw.rfind("PWTR", 0) != 0) {
    const auto inflated = server::InflateTrace(raw);
    if (!inflated) return Error{path + ": not a Pitwall trace (neither encoded nor deflated)"};
    raw = *inflated;
  }
  auto trace = DecodeTrace(raw);
  if (!trace) return Error{path + ": " + trace.error().message};
  return trace.value();
}

/// Race rules from a file: a rules object, or a race's JSON (its "rules").
Result<RaceRules> LoadRules(const std::string& path) {
  if (path.empty()) return DefaultRaceRules();
  auto bytes = ReadFile(path, 1u << 20);
  if (!bytes) return bytes.error();
  const auto j = nlohmann::json::parse(bytes.value(), nullptr, false);
  if (j.is_discarded()) return Error{path + ": not JSON"};
  auto rules = RulesFromJson(j.contains("rules") ? j["rules"] : j);
  if (!rules) return Error{path + ": " + rules.error().message};
  return rules.value();
}

nlohmann::json Rounded(const std::vector<double>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (double x : v) out.push_back(std::round(x * 1000.0) / 1000.0);
  return out;
}

int RunAnalyse(const AnalyseOptions& o) {
  const auto track = LoadTrack(o.track);
  if (!track) return std::fprintf(stderr, "pitwall analyse: %s\n", track.error().message.c_str()), 2;
  const auto rules = LoadRules(o.rules);
  if (!rules) return std::fprintf(stderr, "pitwall analyse: %s\n", rules.error().message.c_str()), 2;
  std::vector<RunAnalysis> runs;
  for (const std::string& path : o.traces) {
    const auto trace = LoadTrace(path);
    if (!trace) return std::fprintf(stderr, "pitwall analyse: %s\n", trace.error().message.c_str()), 2;
    runs.push_back(AnalyseRun(track.value(), rules.value(), trace.value().steps, ReplayConfig(trace.value())));
  }
  if (o.csv) {
    std::fputs(SimtraceCsv(runs.front()).c_str(), stdout);
    return 0;
  }
  const std::vector<double> sectors = o.sectors > 0 ? EqualSectors(track.value().length_m(), o.sectors) : CornerSectors(track.value());
  nlohmann::json out = {{"track", track.value().id()}, {"lap_length_m", track.value().length_m()}, {"sectors_m", Rounded(sectors)},
                        {"runs", nlohmann::json::array()}};
  for (const RunAnalysis& r : runs) out["runs"].push_back({{"laps", LapsToJson(r.result.laps)}, {"best_lap", r.best_lap()}, {"rows", r.steps.size()}});
  if (runs.size() == 2) {
    const int lap_a = o.lap_a > 0 ? o.lap_a : runs[0].best_lap(), lap_b = o.lap_b > 0 ? o.lap_b : runs[1].best_lap();
    if (lap_a <= 0 || lap_b <= 0) return std::fprintf(stderr, "pitwall analyse: both runs need a complete lap to compare\n"), 1;
    const LapComparison c = CompareLaps(runs[0], lap_a, runs[1], lap_b, sectors);
    out["comparison"] = {{"lap_a", c.lap_a}, {"lap_b", c.lap_b}, {"lap_a_ms", c.lap_a_ms}, {"lap_b_ms", c.lap_b_ms},
                         {"sector_a_ms", Rounded(c.sector_a_ms)}, {"sector_b_ms", Rounded(c.sector_b_ms)},
                         {"sector_delta_ms", Rounded(c.sector_delta_ms)}};
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace

Run AddAnalyseCommand(CLI::App& app) {
  auto o = std::make_shared<AnalyseOptions>();
  CLI::App* cmd = app.add_subcommand("analyse", "Analyse runs from their traces: laps, sectors, one run against another, the simtrace CSV");
  cmd->add_option("--track", o->track, "built-in track id or a track file (.npy, .csv, .json)")->required();
  cmd->add_option("--rules", o->rules, "the race's rules: a rules object or the race's JSON (default: the default rules)");
  cmd->add_option("--trace", o->traces, "a trace (GET /submissions/{id}/trace); twice to compare A with B")->required()->expected(1, 2);
  cmd->add_option("--sectors", o->sectors, "equal sectors (default: the track's own, one per corner)")->check(CLI::Range(1, 50));
  cmd->add_option("--lap-a", o->lap_a, "the lap of run A to compare (default: its best)");
  cmd->add_option("--lap-b", o->lap_b, "the lap of run B to compare (default: its best)");
  cmd->add_flag("--csv", o->csv, "print the first run as DeepRacer's simtrace CSV");
  return [o] { return RunAnalyse(*o); };
}

}  // namespace pw::cli
