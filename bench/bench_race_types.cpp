// Control steps per second of the racing core for each race type: a time
// trial with TRACK_RAYS (the reference), and OBJECT_AVOIDANCE and HEAD_TO_BOT
// with 6 boxes or 6 bots seen through LIDAR (64 rays) and SECTOR_LIDAR, where
// every physics step also checks the car against every box and bot. No model
// in the loop: the actions are the expert's run under the same rules,
// replayed. Only the steps that move the car count (held steps after a crash
// or going off track cost next to nothing, and would flatter a run with many).
// Target (issue 14): LIDAR with 6 bots within 2x of TRACK_RAYS,
// i.e. the ratio printed last at most 2.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace {

struct Case {
  std::string name;
  pw::RaceRules rules;
  pw::SensorConfig sensors;
};

// Moving steps per second over at least `seconds` of wall clock, on one core.
double StepsPerSecond(const pw::Track& track, const Case& c, double seconds) {
  pw::TrialConfig config;
  config.sensors = c.sensors;
  pw::ExpertDriver expert(track, config.car);
  const std::vector<pw::TraceStep> actions = pw::RunTrial(track, c.rules, expert, config).trace;
  config.record_trace = false;
  int64_t steps = 0;
  uint64_t sink = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds) {
    pw::ReplayPolicy replay(actions);
    const pw::TrialResult r = pw::RunTrial(track, c.rules, replay, config);
    sink ^= r.fingerprint;
    steps += static_cast<int64_t>(actions.size());  // every action is one moving step
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (sink == 42) std::printf(" ");
  return static_cast<double>(steps) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  pw::RaceRules trial = pw::DefaultRaceRules();
  trial.laps = 5;
  pw::RaceRules boxes = trial;
  boxes.race_type = pw::RaceType::kObjectAvoidance;
  boxes.obstacle_count = 6;
  pw::RaceRules bots = trial;
  bots.race_type = pw::RaceType::kHeadToBot;
  for (int i = 0; i < 6; ++i) bots.bots.push_back({0.8 + 0.2 * i, i % 2 ? pw::Lane::kLeft : pw::Lane::kRight, true, 4.0});
  pw::SensorConfig rays;
  rays.track_rays = true;
  pw::SensorConfig lidar;
  lidar.lidar = true;
  lidar.sector_lidar = true;
  const std::vector<Case> cases = {{"time_trial[TRACK_RAYS]", trial, rays},
                                   {"object_avoidance[LIDAR, 6 boxes]", boxes, lidar},
                                   {"head_to_bot[LIDAR, 6 bots]", bots, lidar},
                                   {"head_to_bot[TRACK_RAYS, 6 bots]", bots, rays}};
  double worst_ratio = 0.0;
  for (const std::string& id : pw::BuiltinTrackIds()) {
    const pw::Track track = pw::BuiltinTrack(id).value();
    double reference = 0.0;
    for (const Case& c : cases) {
      const double rate = StepsPerSecond(track, c, seconds);
      if (reference == 0.0) reference = rate;
      const double ratio = reference / rate;
      if (c.name == "head_to_bot[LIDAR, 6 bots]" && ratio > worst_ratio) worst_ratio = ratio;
      std::printf("%-16s %-34s steps_per_second=%9.0f x_real_time=%7.0f time_trial/this=%.2f\n", id.c_str(), c.name.c_str(), rate,
                  rate / pw::kControlHz, ratio);
    }
  }
  std::printf("worst time_trial[TRACK_RAYS] / head_to_bot[LIDAR, 6 bots] = %.2f (target: at most 2)\n", worst_ratio);
  return 0;
}
