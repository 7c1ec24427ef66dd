// pitwall trial: runs a driver round a track under race rules and prints the laps.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "files.h"
#include "pitwall/expert.h"
#include "pitwall/json_codec.h"
#include "pitwall/scoring.h"
#include "pitwall/trial.h"
#include "model_source.h"
#include "evaluation.h"
#include "ort_policy.h"
#include "supervisor.h"
#include "track_source.h"

namespace pw::cli {
namespace {

struct TrialOptions {
  std::string track;
  int laps = 3;
  bool json = false;
  std::string mode = "continuous";
  bool no_resets = false;
  int penalty_ms = 2000;
  double pace = 1.0;
  bool centre_line = false;
  std::string model;
  std::string metadata;
  bool no_sandbox = false;
  std::string actions;
  std::string rules;  ///< a file of race rules (JSON); the flags below override it only when given
  bool laps_given = false, mode_given = false, penalty_given = false;
};

/// An action stream: one "steering_deg,speed_mps" per line ('#' comments and blank lines skipped).
Result<std::vector<TraceStep>> ReadActions(const std::string& path) {
  Result<std::string> text = ReadFile(path, 64u << 20);
  if (!text) return text.error();
  std::vector<TraceStep> steps;
  std::istringstream lines(text.value());
  std::string line;
  for (int row = 1; std::getline(lines, line); ++row) {
    if (line.empty() || line[0] == '#') continue;
    const size_t comma = line.find(',');
    char* end = nullptr;
    const double steer = std::strtod(line.c_str(), &end);
    const bool steer_ok = comma != std::string::npos && end == line.c_str() + comma;
    const char* speed_text = steer_ok ? line.c_str() + comma + 1 : line.c_str();
    const double speed = std::strtod(speed_text, &end);
    if (!steer_ok || end == speed_text || (*end != '\0' && *end != '\r') || !std::isfinite(steer) || !std::isfinite(speed))
      return Error{path + ": line " + std::to_string(row) + ": expected steering_deg,speed_mps, found '" + line.substr(0, 60) + "'"};
    steps.push_back({static_cast<float>(steer), static_cast<float>(speed), -1});
  }
  return steps;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

int RunTrialCommand(const TrialOptions& o) {
  Result<Track> track = LoadTrack(o.track);
  if (!track) {
    std::fprintf(stderr, "pitwall trial: %s\n", track.error().message.c_str());
    return 2;
  }
  RaceRules rules = DefaultRaceRules();
  if (!o.rules.empty()) {
    Result<std::string> text = ReadFile(o.rules, 1u << 20);
    const nlohmann::json j = text ? nlohmann::json::parse(text.value(), nullptr, false) : nlohmann::json();
    Result<RaceRules> read = !text ? Result<RaceRules>(text.error())
                             : j.is_discarded() ? Result<RaceRules>(Error{o.rules + ": not JSON"})
                             : !j.is_object()   ? Result<RaceRules>(Error{o.rules + ": expected a JSON object of race rules"})
                                                : RulesFromJson(j.contains("rules") ? j["rules"] : j);
    if (!read) {  // the file's own errors name it; the rules' errors name the field
      const bool named = read.error().message.rfind(o.rules + ":", 0) == 0;
      std::fprintf(stderr, "pitwall trial: %s%s%s\n", named ? "" : o.rules.c_str(), named ? "" : ": ", read.error().message.c_str());
      return 2;
    }
    rules = read.value();
  }
  if (o.rules.empty() || o.laps_given) {
    rules.laps = o.laps;
    rules.min_laps = std::min(rules.min_laps, o.laps);
  }
  if (o.rules.empty() || o.mode_given) rules.lap_mode = o.mode == "standing" ? LapMode::kStandingStart : LapMode::kContinuous;
  if (o.rules.empty() || o.no_resets) rules.reset_on_off_track = !o.no_resets;
  if (o.rules.empty() || o.penalty_given) rules.off_track_penalty_ms = o.penalty_ms;
  if (const auto errors = ValidateRules(rules); !errors.empty()) {
    for (const FieldError& e : errors) std::fprintf(stderr, "pitwall trial: %s %s\n", e.field.c_str(), e.message.c_str());
    return 2;
  }
  TrialConfig config;
  std::string driver_name = "expert";
  TrialResult result;
  if (!o.model.empty()) {
    Result<LoadedModel> loaded = ReadModelFiles(o.model, o.metadata);
    if (!loaded) {
      std::fprintf(stderr, "pitwall trial: %s\n", loaded.error().message.c_str());
      return 2;
    }
    const models::ModelReport& report = loaded.value().report;
    if (!report.accepted()) {
      std::fprintf(stderr, "pitwall trial: %s is refused by the model gate:\n", o.model.c_str());
      for (const std::string& p : report.problems) std::fprintf(stderr, "  - %s\n", p.c_str());
      return 2;
    }
    driver_name = o.model;
    if (o.no_sandbox) {
      auto evaluated = models::EvaluateModel(track.value(), rules, loaded.value().bytes, *report.metadata, models::kDefaultStepBudgetUs);
      if (!evaluated) {
        std::fprintf(stderr, "pitwall trial: %s: %s\n", o.model.c_str(), evaluated.error().message.c_str());
        return 2;
      }
      result = std::move(evaluated.value().result);
    } else {
      // The league's own path: a sandboxed worker process, its result replayed here.
      sandbox::WorkerSlot slot(sandbox::WorkerOptions{});
      sandbox::SandboxJob job{&track.value(), rules, loaded.value().bytes, WriteModelMetadata(*report.metadata), models::kDefaultStepBudgetUs};
      sandbox::SandboxOutcome outcome = slot.Evaluate(job);
      if (outcome.kind != sandbox::SandboxOutcome::Kind::kEvaluated) {
        std::fprintf(stderr, "pitwall trial: %s: %s\n", o.model.c_str(), outcome.reason.c_str());
        return 2;
      }
      result = std::move(outcome.evaluation.result);
    }
  } else if (!o.actions.empty()) {
    Result<std::vector<TraceStep>> actions = ReadActions(o.actions);
    if (!actions) {
      std::fprintf(stderr, "pitwall trial: %s\n", actions.error().message.c_str());
      return 2;
    }
    driver_name = o.actions;
    ReplayPolicy replay(std::move(actions.value()));
    result = RunTrial(track.value(), rules, replay, config);
  } else {
    ExpertConfig expert_config;
    expert_config.pace = o.pace;
    expert_config.use_track_width = !o.centre_line;
    ExpertDriver expert(track.value(), config.car, expert_config);
    result = RunTrial(track.value(), rules, expert, config);
  }
  const Score score = ScoreLaps(result.laps, rules);

  if (o.json) {
    const nlohmann::json out = {
        {"track", {{"id", track.value().id()}, {"name", track.value().name()}, {"length_m", track.value().length_m()}}},
        {"driver", driver_name},
        {"rules", RulesToJson(rules)},
        {"laps", LapsToJson(result.laps)},
        {"end", ToString(result.end)},
        {"error", result.error},
        {"score", {{"qualified", score.qualified}, {"ranking_ms", score.ranking_ms}, {"best_lap_ms", score.best_lap_ms},
                   {"best_average_ms", score.best_average_ms}, {"total_ms", score.total_ms},
                   {"longest_streak", score.longest_streak}, {"off_track_count", score.off_track_count}}},
        {"steps", result.steps},
        {"fingerprint", result.fingerprint}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    const Track& t = track.value();
    std::printf("%s (%s), %.2f m, %d %s laps, ", t.name().c_str(), t.id().c_str(), t.length_m(), rules.laps,
                rules.lap_mode == LapMode::kContinuous ? "continuous" : "standing-start");
    const bool course = rules.race_type != RaceType::kTimeTrial;
    if (course) std::printf("%s (course %u), ", ToString(rules.race_type), rules.course_seed);
    if (!o.actions.empty()) std::printf("actions from %s\n", o.actions.c_str());
    else if (o.model.empty()) std::printf("expert at pace %.2f%s\n", o.pace, o.centre_line ? " on the centre line" : "");
    else std::printf("model %s\n", o.model.c_str());
    std::printf("%-4s %10s  %-12s %9s%s %7s %9s\n", "lap", "time (s)", "status", "off track", course ? " crashes" : "", "resets",
                "progress");
    for (const LapResult& l : result.laps) {
      std::printf("%-4d %10s  %-12s %9d", l.lap, Seconds(l.time_ms).c_str(), ToString(l.status), l.off_track_count);
      if (course) std::printf(" %7d", l.crash_count);
      std::printf(" %7d %8.1f%%\n", l.resets, l.progress_pct);
    }
    if (!result.error.empty()) std::printf("model error: %s\n", result.error.c_str());
    std::printf("best lap %s s, total %s s, %d complete, %s\n", Seconds(score.best_lap_ms).c_str(),
                Seconds(score.total_ms).c_str(), score.complete_laps, score.qualified ? "qualified" : "not qualified");
  }
  return result.complete_laps() > 0 ? 0 : 1;
}

}  // namespace

Run AddTrialCommand(CLI::App& app) {
  auto options = std::make_shared<TrialOptions>();
  CLI::App* cmd = app.add_subcommand("trial", "Run the built-in expert, or a model, round a track and print the lap table");
  cmd->add_option("--track", options->track, "built-in track id or a track file (.npy, .csv, .json)")->required();
  CLI::Option* laps = cmd->add_option("--laps", options->laps, "laps to run (1-10)")->check(CLI::Range(1, 10));
  cmd->add_flag("--json", options->json, "print JSON instead of a table");
  CLI::Option* mode = cmd->add_option("--mode", options->mode, "continuous or standing")->check(CLI::IsMember({"continuous", "standing"}));
  cmd->add_flag("--no-resets", options->no_resets, "going off track ends the trial instead of a reset");
  CLI::Option* penalty = cmd->add_option("--penalty-ms", options->penalty_ms, "off-track penalty (0-10000 ms)")->check(CLI::Range(0, 10000));
  cmd->add_option("--rules", options->rules,
                  "race rules from a JSON file, as a race's \"rules\" (race_type, obstacles, bots, course_seed ...: docs/RACE_RULES.md) "
                  "or this command's --json output; --laps, --mode, --no-resets and --penalty-ms override it");
  cmd->add_option("--pace", options->pace, "expert pace, 0.3-1.0")->check(CLI::Range(0.3, 1.0));
  cmd->add_flag("--centre-line", options->centre_line, "drive the centre line instead of the racing line");
  cmd->add_option("--model", options->model, "drive an ONNX model (native ONNX Runtime) instead of the expert");
  cmd->add_option("--metadata", options->metadata, "DeepRacer's model_metadata.json for a model that carries none");
  cmd->add_option("--actions", options->actions,
                  "apply an action stream instead: a file with one 'steering_deg,speed_mps' per decision (running out ends the trial)");
  cmd->add_flag("--no-sandbox", options->no_sandbox, "run the model in this process, not in a sandboxed worker (your own models only)");
  return [options, laps, mode, penalty] {
    options->laps_given = laps->count() > 0;
    options->mode_given = mode->count() > 0;
    options->penalty_given = penalty->count() > 0;
    return RunTrialCommand(*options);
  };
}

}  // namespace pw::cli
