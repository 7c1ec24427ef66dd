#include "golden_trials.h"

#include <cstdio>
#include <cstring>

#include "pitwall/expert.h"
#include "pitwall/math.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace pw::golden {
namespace {

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void Add(const void* data, size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void Add(double v) { Add(&v, sizeof v); }
};

// Wraps a policy, hashing what it is shown; every 97th action is spoiled so
// that resets and penalties are part of the golden run too.
class Recorder : public Policy {
 public:
  Recorder(Policy& inner, bool spoil) : inner_(inner), spoil_(spoil) {}
  Decision Decide(const Observation& obs) override {
    hash.Add(obs.track_rays.data(), obs.track_rays.size() * sizeof(float));
    hash.Add(obs.state.data(), obs.state.size() * sizeof(float));
    hash.Add(obs.time_s);
    Decision d = inner_.Decide(obs);
    if (spoil_ && ++count_ % 97 > 90) d.action.steering_deg = 30.0, d.action.speed_mps = 4.0;
    return d;
  }
  Fnv hash;

 private:
  Policy& inner_;
  bool spoil_;
  int count_ = 0;
};

}  // namespace

std::vector<GoldenRun> RunGoldenTrials() {
  std::vector<GoldenRun> runs;
  for (const std::string& id : BuiltinTrackIds()) {
    const Track track = BuiltinTrack(id).value();
    for (int variant = 0; variant < 2; ++variant) {
      RaceRules rules = DefaultRaceRules();
      rules.laps = 3;
      rules.lap_mode = variant == 0 ? LapMode::kContinuous : LapMode::kStandingStart;
      TrialConfig config;
      config.sensors.track_rays = true;
      config.sensors.state = true;
      ExpertDriver expert(track, config.car);
      Recorder recorder(expert, variant == 1);
      const TrialResult r = RunTrial(track, rules, recorder, config);
      GoldenRun run;
      run.name = id + (variant == 0 ? "/continuous" : "/standing-spoiled");
      run.fingerprint = r.fingerprint;
      run.observation_hash = recorder.hash.h;
      run.complete_laps = r.complete_laps();
      for (const LapResult& lap : r.laps) run.total_ms += lap.time_ms;
      run.steps = r.steps;
      runs.push_back(run);
    }
  }
  return runs;
}

uint64_t MathFingerprint() {
  Fnv f;
  for (int i = -20000; i <= 20000; ++i) {
    const double x = i * 0.0123456789;
    f.Add(dmath::Sin(x));
    f.Add(dmath::Cos(x));
    f.Add(dmath::Atan2(x, 1.7 - x * 0.3));
    f.Add(dmath::Atan(x));
  }
  return f.h;
}

std::string Format(const GoldenRun& run) {
  char line[256];
  std::snprintf(line, sizeof line, "%s fingerprint=%016llx observations=%016llx laps=%d total_ms=%lld steps=%lld",
                run.name.c_str(), static_cast<unsigned long long>(run.fingerprint),
                static_cast<unsigned long long>(run.observation_hash), run.complete_laps,
                static_cast<long long>(run.total_ms), static_cast<long long>(run.steps));
  return line;
}

}  // namespace pw::golden
