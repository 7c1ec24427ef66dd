#include "golden_trials.h"

#include <cstdio>
#include <cstring>

#include "pitwall/expert.h"
#include "pitwall/math.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"
#include "test_support.h"

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
    if (!obs.lidar.empty()) {  // race types only, so time trials hash as before
      hash.Add(obs.lidar.data(), obs.lidar.size() * sizeof(float));
      hash.Add(obs.sector_lidar.data(), obs.sector_lidar.size() * sizeof(float));
      for (const CourseObject& o : obs.objects) hash.Add(o.footprint.center.x), hash.Add(o.footprint.center.y), hash.Add(o.footprint.heading_rad);
    }
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

GoldenRun Summarise(const std::string& name, const TrialResult& r, const Recorder& recorder) {
  GoldenRun run;
  run.name = name;
  run.fingerprint = r.fingerprint;
  run.observation_hash = recorder.hash.h;
  run.complete_laps = r.complete_laps();
  for (const LapResult& lap : r.laps) run.total_ms += lap.time_ms, run.crashes += lap.crash_count;
  run.steps = r.steps;
  return run;
}

}  // namespace

std::vector<GoldenRun> RunGoldenTrials() {
  std::vector<GoldenRun> runs;
  std::vector<std::pair<std::string, Track>> tracks;
  for (const std::string& id : BuiltinTrackIds()) tracks.emplace_back(id, BuiltinTrack(id).value());
  // Core version 3's road between the borders, where quads twist: a 0.35 m hairpin and border
  // points paired 0.9 m along the road (time trials only).
  tracks.emplace_back("awkward_loop_skewed", Track::Build(testing::SkewBorders(testing::AwkwardLoopDef(0.35), 6)).value());
  for (const auto& [id, track] : tracks) {
    const bool builtin = id != "awkward_loop_skewed";
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
      runs.push_back(Summarise(id + (variant == 0 ? "/continuous" : "/standing-spoiled"), r, recorder));
    }
    // The race types: random boxes from a seed, and bots changing lanes; the LIDAR in the
    // observations; every 97th action spoiled so crashes and their resets are in the runs.
    for (int variant = 0; builtin && variant < 2; ++variant) {
      RaceRules rules = DefaultRaceRules();
      rules.course_seed = 7;
      if (variant == 0) {
        rules.race_type = RaceType::kObjectAvoidance;
        rules.obstacle_count = 6;
      } else {
        rules.race_type = RaceType::kHeadToBot;
        for (int i = 0; i < 4; ++i) rules.bots.push_back({0.6 + 0.5 * i, i % 2 ? Lane::kLeft : Lane::kRight, i != 0, 3.0 + i});
      }
      TrialConfig config;
      config.sensors.lidar = true;
      config.sensors.sector_lidar = true;
      config.sensors.state = true;
      ExpertDriver expert(track, config.car);
      Recorder recorder(expert, true);
      const TrialResult r = RunTrial(track, rules, recorder, config);
      runs.push_back(Summarise(id + (variant == 0 ? "/object-avoidance-spoiled" : "/head-to-bot-spoiled"), r, recorder));
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
  std::snprintf(line, sizeof line, "%s fingerprint=%016llx observations=%016llx laps=%d total_ms=%lld steps=%lld crashes=%d",
                run.name.c_str(), static_cast<unsigned long long>(run.fingerprint),
                static_cast<unsigned long long>(run.observation_hash), run.complete_laps,
                static_cast<long long>(run.total_ms), static_cast<long long>(run.steps), run.crashes);
  return line;
}

}  // namespace pw::golden
