#include "pitwall/expert.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "pitwall/scoring.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace pw {
namespace {

RaceRules Rules(bool resets, int laps = 3) {
  RaceRules r = DefaultRaceRules();
  r.laps = laps;
  r.min_laps = 1;
  r.reset_on_off_track = resets;
  return r;
}

int64_t BestLap(const Track& t, const ExpertConfig& cfg, bool resets = false) {
  ExpertDriver d(t, DefaultCarParams(), cfg);
  const TrialResult r = RunTrial(t, Rules(resets), d);
  return ScoreLaps(r.laps, Rules(resets)).best_lap_ms;  // 0 when no lap was completed
}

TEST(Expert, RacingLineUsesTheTrackWidth) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    ExpertDriver d(t, DefaultCarParams());
    double widest = 0.0;
    for (double o : d.line().offset_m) widest = std::max(widest, std::fabs(o));
    EXPECT_GT(widest, 0.6 * (0.5 * t.stats().mean_width_m - 0.14)) << id << ": the line should swing out towards the edges";
  }
}

TEST(Expert, TheFastestLapUsesTheWidthNotTheCentreLine) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    ExpertConfig centre;
    centre.use_track_width = false;
    const int64_t racing = BestLap(t, ExpertConfig{});
    const int64_t on_centre = BestLap(t, centre);
    ASSERT_GT(racing, 0) << id;
    ASSERT_GT(on_centre, 0) << id;
    EXPECT_LT(racing, on_centre) << id;
  }
}

TEST(Expert, FlatOutIsNeverTheFastestWayRound) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    ExpertConfig flat_out;
    flat_out.fixed_speed_mps = 4.0;
    // Without resets, 4 m/s everywhere cannot finish a lap at all ...
    EXPECT_EQ(BestLap(t, flat_out, /*resets=*/false), 0) << id;
    // ... and with resets its penalties make it slower than braking for the corners.
    const int64_t reckless = BestLap(t, flat_out, /*resets=*/true);
    const int64_t expert = BestLap(t, ExpertConfig{}, true);
    EXPECT_TRUE(reckless == 0 || reckless > expert) << id << ": flat out " << reckless << " ms vs expert " << expert;
  }
}

TEST(Expert, LowerPaceIsSlowerAndStillFinishes) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  int64_t previous = 0;
  for (double pace : {1.0, 0.8, 0.6}) {
    ExpertConfig cfg;
    cfg.pace = pace;
    const int64_t lap = BestLap(t, cfg);
    ASSERT_GT(lap, 0) << pace;
    EXPECT_GT(lap, previous) << pace;
    previous = lap;
  }
}

TEST(Expert, SpeedProfileRespectsTheGripLimit) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  ExpertDriver d(t, DefaultCarParams());
  const CarModel car(DefaultCarParams());
  const auto& line = d.line();
  for (size_t k = 0; k < line.points.size(); ++k) {
    const double lateral = line.speed_mps[k] * line.speed_mps[k] * std::fabs(line.curvature[k]);
    EXPECT_LE(lateral, car.GripLimit() + 1e-9) << k;
  }
}

}  // namespace
}  // namespace pw
