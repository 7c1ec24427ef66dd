// The core's training hooks: a trial from any start, the track driven the other
// way, what each step records, and DeepRacer's reward params computed from it.
#include <gtest/gtest.h>

#include <cmath>

#include "pitwall/expert.h"
#include "pitwall/reward_params.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace pw {
namespace {

Track Park() { return BuiltinTrack("pitwall_park").value(); }

TEST(ReverseTrack, KeepsTheStartAndListsTheRestBackwards) {
  const Track t = Park();
  const Track r = ReverseTrack(t).value();
  ASSERT_EQ(r.waypoints().size(), t.waypoints().size());
  EXPECT_NEAR(r.length_m(), t.length_m(), 1e-9);
  EXPECT_EQ(r.waypoints()[0].center, t.waypoints()[0].center);
  EXPECT_EQ(r.waypoints()[1].center, t.waypoints().back().center);
  EXPECT_EQ(r.waypoints()[1].inner, t.waypoints().back().inner);  // the inner border stays inside
  const Track back = ReverseTrack(r).value();
  for (size_t i = 0; i < t.waypoints().size(); ++i) EXPECT_EQ(back.waypoints()[i].center, t.waypoints()[i].center);
  EXPECT_NE(t.stats().clockwise, r.stats().clockwise);
}

TEST(TrialStart, ALapFromAnyStartIsTimedFromThere) {
  const Track t = Park();
  RaceRules rules = DefaultRaceRules();
  rules.laps = 1;
  rules.min_laps = 1;
  TrialConfig config;
  config.start_s_m = t.waypoint_s(100);
  Trial trial(t, rules, config);
  const Vec2 start = trial.car_model().TrackedPoint(trial.car());
  EXPECT_NEAR(t.Locate(start).s_m, t.WrapS(config.start_s_m + config.car.tracked_point_m), 0.02);
  ExpertDriver expert(t, config.car);
  while (!trial.finished()) {
    const Decision d = expert.Decide(trial.observation());
    trial.Advance(trial.awaiting_decision() ? &d : nullptr);
  }
  ASSERT_EQ(trial.result().laps.size(), 1u);
  EXPECT_EQ(trial.result().laps[0].status, LapStatus::kComplete);
  EXPECT_TRUE(trial.last_step().lap_complete);
  EXPECT_EQ(ComputeRewardParams(trial).progress, 100.0);
}

TEST(StepEvents, AnOffTrackStepIsReportedWhereItHappenedNotWhereTheResetPutTheCar) {
  const Track t = Park();
  Trial trial(t, DefaultRaceRules());  // resets on
  Decision left;
  left.action = {30.0, 2.0};
  int steps = 0;
  while (!trial.last_step().off_track && steps++ < 300) trial.Advance(&left);
  ASSERT_TRUE(trial.last_step().off_track);
  const RewardParams p = ComputeRewardParams(trial);
  EXPECT_TRUE(p.is_offtrack);
  EXPECT_FALSE(p.all_wheels_on_track);
  EXPECT_GT(p.distance_from_center, 0.5 * p.track_width);
  EXPECT_TRUE(p.is_left_of_center);
  EXPECT_FLOAT_EQ(p.steering_angle, 30.0f);
  EXPECT_FLOAT_EQ(p.speed, 2.0f);
  // The trial itself has put the car back on the road, held for the penalty.
  EXPECT_TRUE(t.OnRoad(trial.car_model().TrackedPoint(trial.car())));
  EXPECT_FALSE(trial.awaiting_decision());
}

TEST(RewardParams, OnTheFirstStraightDistanceIsTheYCoordinate) {
  const Track t = Park();  // the first straight runs along y = 0, heading +x
  Trial trial(t, DefaultRaceRules());
  Decision d;
  d.action = {-8.0, 1.0};
  for (int i = 0; i < 12; ++i) {
    trial.Advance(&d);
    const RewardParams p = ComputeRewardParams(trial, /*reversed_direction=*/true);
    EXPECT_NEAR(p.distance_from_center, std::fabs(p.y), 1e-12);
    EXPECT_EQ(p.is_left_of_center, p.y > 0.0);
    EXPECT_EQ(p.steps, i + 1);
    EXPECT_TRUE(p.is_reversed);
    EXPECT_LT(p.heading, 0.0);  // turning right from +x
    EXPECT_NEAR(p.track_width, 1.0, 1e-3);
    EXPECT_LE(t.waypoints()[static_cast<size_t>(p.closest_waypoints[0])].center.x, p.x);
    EXPECT_GE(t.waypoints()[static_cast<size_t>(p.closest_waypoints[1])].center.x, p.x);
  }
}

}  // namespace
}  // namespace pw
