// Control steps per second of the racing core: car physics + race rules +
// the TRACK_RAYS sensor, with no model in the loop (the actions are a
// recorded expert run, replayed). Reported as steps/s and as a multiple of
// real time (15 steps are one simulated second). Target: >= 150,000 steps/s
// on one core, 10,000x real time.
#include <benchmark/benchmark.h>

#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace {

void BM_ControlSteps(benchmark::State& state, const std::string& track_id, bool rays, bool state_sensor) {
  const pw::Track track = pw::BuiltinTrack(track_id).value();
  pw::RaceRules rules = pw::DefaultRaceRules();
  rules.laps = 5;
  pw::TrialConfig config;
  config.sensors.track_rays = rays;
  config.sensors.state = state_sensor;
  pw::ExpertDriver expert(track, config.car);
  const std::vector<pw::TraceStep> actions = pw::RunTrial(track, rules, expert, config).trace;
  config.record_trace = false;
  int64_t steps = 0;
  for (auto _ : state) {
    pw::ReplayPolicy replay(actions);
    const pw::TrialResult r = pw::RunTrial(track, rules, replay, config);
    benchmark::DoNotOptimize(r.fingerprint);
    steps += r.steps;
  }
  state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["x_real_time"] = benchmark::Counter(static_cast<double>(steps) / pw::kControlHz, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ControlSteps, pitwall_park_rays, "pitwall_park", true, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ControlSteps, harbour_hairpin_rays, "harbour_hairpin", true, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ControlSteps, quarry_sprint_rays, "quarry_sprint", true, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ControlSteps, quarry_sprint_rays_and_state, "quarry_sprint", true, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ControlSteps, quarry_sprint_no_sensors, "quarry_sprint", false, false)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
