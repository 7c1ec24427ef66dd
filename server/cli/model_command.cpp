// pitwall model: inspect a model against the contract, train a starter model.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "commands.h"
#include "model_gate.h"
#include "model_source.h"
#include "onnx_writer.h"
#include "trainer.h"
#include "track_source.h"

namespace pw::cli {
namespace {

int Inspect(const std::string& file, const std::string& metadata_file) {
  Result<LoadedModel> loaded = ReadModelFiles(file, metadata_file);
  if (!loaded) {
    std::fprintf(stderr, "pitwall model inspect: %s\n", loaded.error().message.c_str());
    return 2;
  }
  const models::ModelReport& r = loaded.value().report;
  std::printf("%s\n", file.c_str());
  std::printf("  size        %zu bytes\n", r.size_bytes);
  if (r.ir_version) std::printf("  format      ONNX IR %lld, opset %lld, producer '%s'\n", static_cast<long long>(r.ir_version),
                                static_cast<long long>(r.opset), r.producer.c_str());
  for (const auto& t : r.inputs) std::printf("  input       %s %s %s\n", t.name.c_str(), t.type.c_str(), models::FormatShape(t.shape).c_str());
  for (const auto& t : r.outputs) std::printf("  output      %s %s %s\n", t.name.c_str(), t.type.c_str(), models::FormatShape(t.shape).c_str());
  if (!r.operator_counts.empty()) {
    std::string ops;
    for (const auto& [op, n] : r.operator_counts) ops += (ops.empty() ? "" : ", ") + op + " x" + std::to_string(n);
    std::printf("  operators   %s\n", ops.c_str());
  }
  if (r.ir_version) std::printf("  parameters  %lld\n", static_cast<long long>(r.parameters));
  if (r.multiply_adds) std::printf("  work        %lld multiply-adds per step\n", static_cast<long long>(r.multiply_adds));
  if (r.metadata) {
    const ModelMetadata& m = *r.metadata;
    std::printf("  contract    (model_metadata from %s)\n", r.metadata_source.c_str());
    std::string sensors;
    for (const ModelInput& in : m.inputs())
      sensors += (sensors.empty() ? "" : ", ") + std::string(ToString(in.sensor)) + " -> '" + in.name + "' float32 [1, " + std::to_string(in.size) + "]";
    std::printf("    sensors   %s\n", sensors.c_str());
    if (m.sensor_config().track_rays)
      std::printf("    rays      %d over %.0f deg, range %.1f m\n", m.track_rays.rays, m.track_rays.fov_deg, m.track_rays.range_m);
    if (m.action_space.type == ActionSpaceType::kDiscrete) {
      std::printf("    actions   discrete, %zu:", m.action_space.discrete.size());
      for (const Action& a : m.action_space.discrete) std::printf(" (%.0f deg, %.2f m/s)", a.steering_deg, a.speed_mps);
      std::printf("\n");
    } else {
      std::printf("    actions   continuous: steering %.0f..%.0f deg, speed %.2f..%.2f m/s\n", m.action_space.steering_low_deg,
                  m.action_space.steering_high_deg, m.action_space.speed_low_mps, m.action_space.speed_high_mps);
    }
    std::printf("    training  %s, %s\n", m.training_algorithm.c_str(), m.neural_network.c_str());
  }
  if (r.accepted()) {
    std::printf("  verdict     accepted\n");
    return 0;
  }
  std::printf("  verdict     refused, %zu problem%s:\n", r.problems.size(), r.problems.size() == 1 ? "" : "s");
  for (const std::string& p : r.problems) std::printf("    - %s\n", p.c_str());
  return 1;
}

struct TrainArgs {
  std::string track, out, sensor = "state", race_type = "TIME_TRIAL";
  double pace = 1.0;
  int iterations = 8;
  unsigned seed = 1;
};

// "3 clean laps, best 20.238 s", or over several courses "11 of 12 clean laps over 4 courses, best ...".
std::string StudentLaps(const models::TrainProgress& p) {
  char text[128];
  const int n = p.student_laps;
  int at = p.exam_courses > 1
               ? std::snprintf(text, sizeof text, "%d of %d clean laps over %d courses", n, 3 * p.exam_courses, p.exam_courses)
               : std::snprintf(text, sizeof text, "%d clean lap%s", n, n == 1 ? "" : "s");
  if (p.student_best_lap_ms > 0)
    std::snprintf(text + at, sizeof text - static_cast<size_t>(at), ", best %.3f s", static_cast<double>(p.student_best_lap_ms) / 1000.0);
  return text;
}

int Train(const TrainArgs& a) {
  Result<Track> track = LoadTrack(a.track);
  if (!track) {
    std::fprintf(stderr, "pitwall model train: %s\n", track.error().message.c_str());
    return 2;
  }
  models::TrainOptions options;
  // "state", "track_rays" or several, comma-separated, in input order ("state,lidar").
  for (size_t at = 0; at <= a.sensor.size();) {
    const size_t comma = std::min(a.sensor.find(',', at), a.sensor.size());
    std::string name = a.sensor.substr(at, comma - at);
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    SensorKind kind;
    if (!ParseSensorKind(name, kind)) {
      std::fprintf(stderr, "pitwall model train: '%s' is not a sensor (state, track_rays, lidar, sector_lidar)\n", name.c_str());
      return 2;
    }
    options.sensors.push_back(kind);
    at = comma + 1;
  }
  if (!ParseRaceType(a.race_type, options.race_type)) {
    std::fprintf(stderr, "pitwall model train: race type '%s' is not TIME_TRIAL, OBJECT_AVOIDANCE or HEAD_TO_BOT\n", a.race_type.c_str());
    return 2;
  }
  options.pace = a.pace;
  options.iterations = a.iterations;
  options.seed = a.seed;
  options.on_progress = [](const models::TrainProgress& p) {
    std::printf("round %d/%d  %6zu samples  loss %.4f  student: %s", p.iteration, p.iterations, p.samples, p.loss,
                StudentLaps(p).c_str());
    std::printf("; knocked about: %d reset%s\n", p.resets_when_knocked, p.resets_when_knocked == 1 ? "" : "s");
    std::fflush(stdout);
  };
  std::printf("training a %s starter model for %s on %s at pace %.2f (DAgger, imitating the expert)\n", a.sensor.c_str(),
              a.race_type.c_str(), track.value().name().c_str(), a.pace);
  Result<models::TrainedModel> trained = models::TrainStarterModel(track.value(), options);
  if (!trained) {
    std::fprintf(stderr, "pitwall model train: %s\n", trained.error().message.c_str());
    return 2;
  }
  const std::string bytes = models::WriteMlpModel(trained.value().layers, trained.value().metadata);
  const auto report = models::InspectModel(bytes);
  if (!report.accepted()) {
    std::fprintf(stderr, "pitwall model train: the written model fails the gate: %s\n", report.problems[0].c_str());
    return 2;
  }
  const std::filesystem::path out(a.out);
  const auto tmp = out.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << bytes;
    if (!f) {
      std::fprintf(stderr, "pitwall model train: cannot write %s\n", tmp.c_str());
      return 2;
    }
  }
  std::filesystem::rename(tmp, out);
  const auto& best = trained.value().best;
  std::printf("kept round %d: %s; wrote %s (%zu bytes)\n", best.iteration, StudentLaps(best).c_str(), a.out.c_str(), bytes.size());
  return best.student_laps > 0 ? 0 : 1;
}

}  // namespace

Run AddModelCommand(CLI::App& app) {
  struct Options {
    std::string file, metadata;
    TrainArgs train;
    bool inspect = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("model", "Inspect and train driving models");
  cmd->require_subcommand(1);
  CLI::App* inspect = cmd->add_subcommand("inspect", "Check a model against Pitwall's model contract and print what it is");
  inspect->add_option("file", o->file, "the .onnx file")->required();
  inspect->add_option("--metadata", o->metadata,
                      "DeepRacer's model_metadata.json (default: the model's metadata_props, else model_metadata.json beside it)");
  inspect->callback([o] { o->inspect = true; });
  CLI::App* train = cmd->add_subcommand("train", "Train a starter model by imitating the built-in expert");
  train->add_option("--track", o->train.track, "built-in track id or a track file")->required();
  train->add_option("--out", o->train.out, "where to write the .onnx model")->required();
  train->add_option("--sensor", o->train.sensor, "state, track_rays, lidar, sector_lidar, or several comma-separated (state,lidar)");
  train->add_option("--race-type", o->train.race_type,
                    "TIME_TRIAL, or OBJECT_AVOIDANCE / HEAD_TO_BOT: learn to drive round boxes or bots (needs lidar or sector_lidar)");
  train->add_option("--pace", o->train.pace, "0.5-1.0: lower is slower and safer")->check(CLI::Range(0.5, 1.0));
  train->add_option("--rounds", o->train.iterations, "DAgger rounds")->check(CLI::Range(1, 30));
  train->add_option("--seed", o->train.seed, "random seed");
  return [o]() { return o->inspect ? Inspect(o->file, o->metadata) : Train(o->train); };
}

}  // namespace pw::cli
