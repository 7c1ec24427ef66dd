#include "pitwall/trial.h"

#include <gtest/gtest.h>

#include <cmath>

#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "test_support.h"

namespace pw {
namespace {

using testing::ConstantPolicy;
using testing::LambdaPolicy;

RaceRules Rules(int laps, bool resets = true, LapMode mode = LapMode::kContinuous) {
  RaceRules r = DefaultRaceRules();
  r.laps = laps;
  r.min_laps = laps;
  r.reset_on_off_track = resets;
  r.lap_mode = mode;
  return r;
}

TEST(Trial, LapTimeIsInterpolatedInsideTheStep) {
  // Straight 10 m: 1 m/s reached after 1/3 s (3 m/s^2), so the tracked point
  // (0.14 m ahead of the start) needs 1/3 s + (10 - 0.14 - 1/6) m / 1 m/s.
  const Track t = Track::Build(testing::StraightDef(10.0, 1.0)).value();
  ConstantPolicy p(0.0, 1.0);
  const TrialResult r = RunTrial(t, Rules(1), p);
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kComplete);
  const double expected_ms = 1000.0 * (1.0 / 3.0 + (10.0 - 0.14 - 1.0 / 6.0));
  EXPECT_NEAR(static_cast<double>(r.laps[0].time_ms), expected_ms, 12.0);
  // Not rounded to the 66.7 ms control step: the crossing is interpolated.
  const double steps = static_cast<double>(r.laps[0].time_ms) * 15.0 / 1000.0;
  EXPECT_GT(std::fabs(steps - std::round(steps)), 0.02);
}

TEST(Trial, ExpertCompletesContinuousLapsOnEveryBuiltinTrack) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    ExpertDriver expert(t, DefaultCarParams());
    const TrialResult r = RunTrial(t, Rules(3, /*resets=*/false), expert);
    ASSERT_EQ(r.laps.size(), 3u) << id;
    for (const LapResult& lap : r.laps) {
      EXPECT_EQ(lap.status, LapStatus::kComplete) << id << " lap " << lap.lap;
      EXPECT_EQ(lap.off_track_count, 0) << id;
      EXPECT_DOUBLE_EQ(lap.progress_pct, 100.0);
    }
    // Flying laps are quicker than the standing first lap.
    EXPECT_LT(r.laps[1].time_ms, r.laps[0].time_ms) << id;
    int64_t sum = 0;
    for (const LapResult& lap : r.laps) sum += lap.time_ms;
    EXPECT_NEAR(static_cast<double>(sum), static_cast<double>(r.sim_time_ms), 67.0) << id;
  }
}

TEST(Trial, StandingStartLapsEachStartFromRest) {
  const Track t = BuiltinTrack("pitwall_park").value();
  ExpertDriver expert(t, DefaultCarParams());
  const TrialResult r = RunTrial(t, Rules(2, false, LapMode::kStandingStart), expert);
  ASSERT_EQ(r.complete_laps(), 2);
  // Every lap is the same standing lap, so the times match within a step.
  EXPECT_NEAR(static_cast<double>(r.laps[0].time_ms), static_cast<double>(r.laps[1].time_ms), 67.0);
  ExpertDriver expert2(t, DefaultCarParams());
  const TrialResult flying = RunTrial(t, Rules(2), expert2);
  EXPECT_LT(flying.laps[1].time_ms, r.laps[1].time_ms);
}

TEST(Trial, OffTrackWithResetsHoldsThePenaltyAndCarriesOn) {
  const Track t = BuiltinTrack("pitwall_park").value();
  ExpertDriver expert(t, DefaultCarParams());
  // The expert, except that for a few steps it yanks the wheel at full speed.
  int step = 0;
  LambdaPolicy p([&](const Observation& obs) {
    Decision d = expert.Decide(obs);
    if (++step >= 40 && step < 55) d.action = {30.0, 4.0};
    return d;
  });
  RaceRules rules = Rules(1);
  rules.off_track_penalty_ms = 2000;
  Trial trial(t, rules);
  int held_steps = 0, off_track_seen = 0;
  while (!trial.finished()) {
    if (trial.awaiting_decision()) {
      const Decision d = p.Decide(trial.observation());
      trial.Advance(&d);
    } else {
      const CarState before = trial.car();
      trial.Advance(nullptr);
      ++held_steps;
      EXPECT_EQ(trial.car().position, before.position) << "held cars do not move";
      EXPECT_EQ(trial.car().speed_mps, 0.0);
      if (held_steps == 1) {
        ++off_track_seen;
        EXPECT_TRUE(t.OnRoad(trial.car_model().TrackedPoint(trial.car()))) << "reset onto the road";
      }
    }
  }
  const TrialResult& r = trial.result();
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kComplete);
  EXPECT_GE(r.laps[0].off_track_count, 1);
  EXPECT_EQ(r.laps[0].resets, r.laps[0].off_track_count);
  EXPECT_EQ(held_steps, 30 * r.laps[0].resets) << "2 s at 15 Hz per reset";
  // The same run without the yank is faster by at least the penalty.
  ExpertDriver clean(t, DefaultCarParams());
  const TrialResult c = RunTrial(t, Rules(1), clean);
  EXPECT_GT(r.laps[0].time_ms, c.laps[0].time_ms + 2000);
}

TEST(Trial, OffTrackWithoutResetsEndsAContinuousTrial) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  ConstantPolicy flat_out(0.0, 4.0);  // straight on into the first corner
  const TrialResult r = RunTrial(t, Rules(3, /*resets=*/false), flat_out);
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kOffTrack);
  EXPECT_EQ(r.end, LapStatus::kOffTrack);
  EXPECT_EQ(r.laps[0].off_track_count, 1);
  EXPECT_GT(r.laps[0].progress_pct, 0.0);
  EXPECT_LT(r.laps[0].progress_pct, 50.0);
}

TEST(Trial, OffTrackWithoutResetsInStandingStartTriesEveryLap) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  ConstantPolicy flat_out(0.0, 4.0);
  const TrialResult r = RunTrial(t, Rules(3, false, LapMode::kStandingStart), flat_out);
  ASSERT_EQ(r.laps.size(), 3u);
  for (const LapResult& lap : r.laps) EXPECT_EQ(lap.status, LapStatus::kOffTrack);
}

TEST(Trial, ReversingIsAnEvent) {
  // A wide loop: turn round on the spot, then drive the wrong way.
  const Track t = testing::Circle(6.0, 3.0, 300);
  LambdaPolicy p([](const Observation& obs) {
    Decision d;
    d.action = {obs.time_s < 3.0 ? 30.0 : 0.0, 0.6};
    return d;
  });
  const TrialResult r = RunTrial(t, Rules(1, false), p);
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kReversed);
  EXPECT_EQ(r.laps[0].off_track_count, 0);
}

TEST(Trial, ImmobilisedIsAnEvent) {
  // A car that can barely accelerate moves less than 0.3 mm per step.
  const Track t = BuiltinTrack("pitwall_park").value();
  TrialConfig config;
  config.car.max_accel_mps2 = 0.001;
  ConstantPolicy p(0.0, 1.0);
  const TrialResult r = RunTrial(t, Rules(1, false), p, config);
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kImmobilised);
  EXPECT_EQ(r.steps, kEventSteps);
}

TEST(Trial, TimeUpEndsTheTrialOnTheSimClock) {
  const Track t = BuiltinTrack("quarry_sprint").value();
  RaceRules rules = Rules(3);
  rules.trial_time_limit_ms = 5000;
  ConstantPolicy crawl(0.0, 0.1);
  const TrialResult r = RunTrial(t, rules, crawl);
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kTimeUp);
  EXPECT_EQ(r.sim_time_ms, 5000);
  EXPECT_EQ(r.steps, 75);
}

TEST(Trial, ModelErrorsEndTheTrialWithTheReason) {
  const Track t = BuiltinTrack("pitwall_park").value();
  int n = 0;
  LambdaPolicy failing([&](const Observation&) {
    Decision d;
    d.action = {0.0, 1.0};
    if (++n == 20) d.error = "output 0 is NaN";
    return d;
  });
  const TrialResult r = RunTrial(t, Rules(3), failing);
  EXPECT_EQ(r.end, LapStatus::kModelError);
  EXPECT_EQ(r.error, "output 0 is NaN");
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kModelError);

  LambdaPolicy nan_action([](const Observation&) { return Decision{{NAN, 1.0}, -1, {}}; });
  const TrialResult r2 = RunTrial(t, Rules(3), nan_action);
  EXPECT_EQ(r2.end, LapStatus::kModelError);
  EXPECT_EQ(r2.error, "the action is NaN or infinite");
}

TEST(Trial, ActionsAreClippedToTheCarsLimits) {
  const Track t = BuiltinTrack("pitwall_park").value();
  ConstantPolicy wild(75.0, 9.0);
  RaceRules rules = Rules(1);
  rules.trial_time_limit_ms = 1000;
  const TrialResult r = RunTrial(t, rules, wild);
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace[0].steering_deg, 30.0f);
  EXPECT_EQ(r.trace[0].speed_mps, 4.0f);
  ConstantPolicy slow(-40.0, 0.0);
  const TrialResult r2 = RunTrial(t, rules, slow);
  EXPECT_EQ(r2.trace[0].steering_deg, -30.0f);
  EXPECT_EQ(r2.trace[0].speed_mps, 0.1f);
}

TEST(Trial, ReplayingTheTraceReproducesTheRunExactly) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  ExpertDriver expert(t, DefaultCarParams());
  int n = 0;
  LambdaPolicy sloppy([&](const Observation& obs) {  // with some resets in it
    Decision d = expert.Decide(obs);
    if (++n % 120 > 112) d.action = {-30.0, 4.0};
    return d;
  });
  const TrialResult original = RunTrial(t, Rules(3), sloppy);
  ASSERT_GT(original.laps[0].resets + original.laps[1].resets, 0);
  ReplayPolicy replay(original.trace);
  const TrialResult again = RunTrial(t, Rules(3), replay);
  EXPECT_EQ(again.fingerprint, original.fingerprint);
  ASSERT_EQ(again.laps.size(), original.laps.size());
  for (size_t i = 0; i < again.laps.size(); ++i) EXPECT_EQ(again.laps[i].time_ms, original.laps[i].time_ms);

  // One changed action changes the run.
  std::vector<TraceStep> tampered = original.trace;
  tampered[50].steering_deg += 1.0f;
  ReplayPolicy bad(tampered);
  EXPECT_NE(RunTrial(t, Rules(3), bad).fingerprint, original.fingerprint);
}

TEST(Trial, SteppingByHandEqualsRunTrial) {
  const Track t = BuiltinTrack("quarry_sprint").value();
  ExpertDriver a(t, DefaultCarParams()), b(t, DefaultCarParams());
  const TrialResult whole = RunTrial(t, Rules(2), a);
  Trial trial(t, Rules(2));
  double last_progress = 0.0;
  int lap = 1;
  while (!trial.finished()) {
    if (trial.current_lap() == lap) {
      EXPECT_GE(trial.lap_progress_pct() + 1e-9, last_progress);
    } else {
      lap = trial.current_lap();
    }
    last_progress = trial.lap_progress_pct();
    const Decision d = b.Decide(trial.observation());
    trial.Advance(&d);
  }
  EXPECT_EQ(trial.result().fingerprint, whole.fingerprint);
}

TEST(Trial, OpenSegmentLapsAlwaysStartFromTheStartLine) {
  const Track t = Track::Build(testing::StraightDef(6.0, 0.8)).value();
  ConstantPolicy p(0.0, 2.0);
  const TrialResult r = RunTrial(t, Rules(3), p);
  ASSERT_EQ(r.complete_laps(), 3);
  EXPECT_EQ(r.laps[0].time_ms, r.laps[2].time_ms);
}

}  // namespace
}  // namespace pw

namespace pw {
namespace {

TEST(LapStatusNames, RoundTripAndRefuseOthers) {
  for (LapStatus s : {LapStatus::kComplete, LapStatus::kOffTrack, LapStatus::kReversed, LapStatus::kImmobilised, LapStatus::kTimeUp,
                      LapStatus::kModelError, LapStatus::kCrashed}) {
    LapStatus back = LapStatus::kComplete;
    ASSERT_TRUE(ParseLapStatus(ToString(s), back));
    EXPECT_EQ(back, s);
  }
  LapStatus out;
  EXPECT_FALSE(ParseLapStatus("exploded", out));
  EXPECT_FALSE(ParseLapStatus("Crashed", out));
}

}  // namespace
}  // namespace pw
