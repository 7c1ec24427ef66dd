// Driving models, natively: microseconds per ONNX Runtime inference of a
// starter model, and the wall time of a whole 5-lap evaluation (model in the
// loop, as the server runs it) with its multiple of real time.
// Targets: a 5-lap evaluation under 50 ms (>= 1,000x real time).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "model_gate.h"
#include "ort_policy.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace {

std::shared_ptr<pw::models::OrtModel> LoadStarter(const std::string& name) {
  std::ifstream in(std::string(PITWALL_STARTER_DIR) + "/starter-" + name + ".onnx", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const auto report = pw::models::InspectModel(bytes.str());
  if (!report.accepted()) throw std::runtime_error("starter model " + name + " missing or refused: build starter_models");
  return pw::models::OrtModel::Load(bytes.str(), *report.metadata).value();
}

void BM_Inference(benchmark::State& state, const std::string& name) {
  auto model = LoadStarter(name);
  pw::models::OrtPolicy policy(model);
  pw::Observation obs;
  obs.track_rays.assign(static_cast<size_t>(model->metadata().track_rays.rays), 1.0f);
  obs.state = {2.0f, 5.0f, 3.0f, 0.1f, 0.2f, 0.3f, 0.1f, 0.0f};
  for (auto _ : state) benchmark::DoNotOptimize(policy.Decide(obs));  // Time is per inference
}

void BM_Evaluation5Laps(benchmark::State& state, const std::string& name, const std::string& track_id) {
  auto model = LoadStarter(name);
  const pw::Track track = pw::BuiltinTrack(track_id).value();
  pw::RaceRules rules = pw::DefaultRaceRules();
  rules.laps = 5;
  pw::TrialConfig config;
  config.sensors = model->metadata().sensor_config();
  int64_t sim_ms = 0, laps = 0;
  for (auto _ : state) {
    pw::models::OrtPolicy policy(model);
    const pw::TrialResult r = pw::RunTrial(track, rules, policy, config);
    sim_ms += r.sim_time_ms;
    laps += r.complete_laps();
  }
  state.counters["x_real_time"] = benchmark::Counter(static_cast<double>(sim_ms) / 1000.0, benchmark::Counter::kIsRate);
  state.counters["laps"] = benchmark::Counter(static_cast<double>(laps), benchmark::Counter::kAvgIterations);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Inference, state_mlp, "park-state")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Inference, track_rays_mlp, "harbour-rays")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Evaluation5Laps, park_state_on_pitwall_park, "park-state", "pitwall_park")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Evaluation5Laps, harbour_rays_on_harbour_hairpin, "harbour-rays", "harbour_hairpin")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Evaluation5Laps, quarry_steady_on_quarry_sprint, "quarry-steady", "quarry_sprint")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
