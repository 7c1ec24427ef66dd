// Race types: boxes and bot cars on the track, crashes, the LIDAR sensors,
// and the expert's driving round them (docs/RACE_RULES.md, docs/SENSORS.md).
#include <gtest/gtest.h>

#include <cstdio>

#include "pitwall/course.h"
#include "pitwall/expert.h"
#include "pitwall/json_codec.h"
#include "pitwall/model_metadata.h"
#include "pitwall/replay.h"
#include "pitwall/scoring.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"
#include "race_types_support.h"
#include "test_support.h"

namespace pw {
namespace {

using testing::Circle;
using testing::LambdaPolicy;

const CarParams kCar = DefaultCarParams();

Footprint Box(Vec2 at, double heading = 0.0) { return {at, heading, 0.5 * kBoxLengthM, 0.5 * kBoxWidthM}; }

// A car whose footprint's centre is at `centre`, heading `heading`.
CarState CarWithBodyAt(Vec2 centre, double heading) {
  CarState s;
  s.heading_rad = heading;
  s.position = centre - dmath::Direction(heading) * (0.5 * kCar.length_m - kCar.rear_overhang_m);
  return s;
}

TEST(Footprints, TouchingOnEverySideOverlapsAndAMillimetreApartDoesNot) {
  const Footprint box = Box({0.0, 0.0});
  const double half_len = 0.5 * kCar.length_m, half_w = 0.5 * kCar.width_m, b = 0.5 * kBoxLengthM;
  struct Side {
    const char* name;
    Vec2 direction;  // from the box to the car
    double heading;  // the car's
    double reach;    // centre to centre when touching
  };
  const Side sides[] = {{"nose into the box's back", {-1, 0}, 0.0, b + half_len},
                        {"tail into the box's front", {1, 0}, 0.0, b + half_len},
                        {"left flank", {0, -1}, 0.0, b + half_w},
                        {"right flank", {0, 1}, 0.0, b + half_w},
                        {"head-on from the side", {0, 1}, -kPi / 2, b + half_len}};
  for (const Side& side : sides) {
    SCOPED_TRACE(side.name);
    const Footprint touching = CarFootprint(kCar, CarWithBodyAt(side.direction * (side.reach - 1e-9), side.heading));
    const Footprint apart = CarFootprint(kCar, CarWithBodyAt(side.direction * (side.reach + 1e-3), side.heading));
    EXPECT_TRUE(Overlaps(touching, box));
    EXPECT_TRUE(Overlaps(box, touching));
    EXPECT_FALSE(Overlaps(apart, box));
    EXPECT_FALSE(Overlaps(box, apart));
  }
  // Corner to corner at 45 degrees: the boxes' diagonals decide.
  const Footprint turned = Box({0.0, 0.0}, kPi / 4);
  const double corner = b * std::sqrt(2.0);
  EXPECT_TRUE(Overlaps(turned, Box({corner + b - 1e-3, 0.0})));
  EXPECT_FALSE(Overlaps(turned, Box({corner + b + 1e-3, 0.0})));
}

TEST(Footprints, RaysMeetTheNearFaceAndMissWhatIsBesideThem) {
  const Footprint box = Box({1.0, 0.0});
  EXPECT_NEAR(RayToFootprint({0, 0}, {1, 0}, box, 5.0), 1.0 - 0.5 * kBoxLengthM, 1e-12);
  EXPECT_NEAR(RayToFootprint({2, 0}, {-1, 0}, box, 5.0), 1.0 - 0.5 * kBoxLengthM, 1e-12);
  EXPECT_EQ(RayToFootprint({0, 0}, {0, 1}, box, 5.0), 5.0);             // beside it
  EXPECT_EQ(RayToFootprint({0, 0}, {-1, 0}, box, 5.0), 5.0);            // behind the ray
  EXPECT_EQ(RayToFootprint({0, 0}, {1, 0}, box, 0.5), 0.5);             // beyond the range
  EXPECT_EQ(RayToFootprint({1.0, 0.0}, {1, 0}, box, 5.0), 0.0);         // inside
  const double d = RayToFootprint({0, 0}, dmath::Direction(DegToRad(5.0)), box, 5.0);
  EXPECT_NEAR(d, (1.0 - 0.5 * kBoxLengthM) / dmath::Cos(DegToRad(5.0)), 1e-12);
}

TEST(Course, SeededBoxesAreTheSameForOneSeedAndSpreadRoundTheLap) {
  const auto a = RandomObstacles(6, 42), b = RandomObstacles(6, 42), c = RandomObstacles(6, 43);
  ASSERT_EQ(a.size(), 6u);
  bool differ = false;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].progress_pct, b[i].progress_pct);
    EXPECT_EQ(a[i].lane, b[i].lane);
    differ = differ || a[i].progress_pct != c[i].progress_pct;
    const double slot = 85.0 / 6;
    EXPECT_GE(a[i].progress_pct, 10.0 + slot * (i + 0.25));
    EXPECT_LE(a[i].progress_pct, 10.0 + slot * (i + 0.75));
  }
  EXPECT_TRUE(differ);
  // Over many seeds both lanes are used about equally.
  int lefts = 0, total = 0;
  for (uint32_t seed = 0; seed < 200; ++seed)
    for (const ObstaclePlacement& p : RandomObstacles(3, seed)) lefts += p.lane == Lane::kLeft, ++total;
  EXPECT_GT(lefts, total * 4 / 10);
  EXPECT_LT(lefts, total * 6 / 10);
}

TEST(Course, FixedBoxesStandInTheirLanesAtTheirProgress) {
  const Track t = Circle(3.0, 1.0, 120);
  RaceRules rules = testing::ObjectAvoidance({{25.0, Lane::kLeft}, {75.0, Lane::kRight}});
  const Course course(t, rules, kCar, 0.0);
  std::vector<CourseObject> now;
  course.At(0.0, now);
  ASSERT_EQ(now.size(), 2u);
  EXPECT_NEAR(now[0].s_m, 0.25 * t.length_m(), 1e-9);
  EXPECT_NEAR(now[0].offset_m, 0.25, 1e-6);  // halfway to the left border
  EXPECT_NEAR(now[1].offset_m, -0.25, 1e-6);
  EXPECT_NEAR(t.Locate(now[0].footprint.center).offset_m, 0.25, 1e-3);
  std::vector<CourseObject> later;
  course.At(100.0, later);
  EXPECT_EQ(later[1].footprint.center, now[1].footprint.center);  // boxes stay put
}

TEST(Course, BotsDriveTheirLaneAtTheirSpeedFromSpreadStartsAndChangeLanesOnSchedule) {
  const Track t = Circle(3.0, 1.0, 120);
  const double lap = t.length_m();
  RaceRules rules = testing::HeadToBot(3, 1.0);
  rules.bots[1].speed_mps = 2.0;
  rules.bots[2].lane = Lane::kLeft;
  rules.bots[2].lane_changes = true;
  rules.bots[2].lane_change_interval_s = 4.0;
  const Course course(t, rules, kCar, 0.0);
  std::vector<CourseObject> at0, at2;
  course.At(0.0, at0);
  course.At(2.0, at2);
  ASSERT_EQ(at0.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(at0[static_cast<size_t>(i)].s_m, lap * (i + 1) / 4.0, 1e-9) << "bot " << i;
  EXPECT_NEAR(at2[0].s_m - at0[0].s_m, 2.0, 1e-9);
  EXPECT_NEAR(at2[1].s_m - at0[1].s_m, 4.0, 1e-9);
  EXPECT_NEAR(at0[0].offset_m, -0.25, 1e-6);
  EXPECT_NEAR(at2[0].offset_m, -0.25, 1e-6);  // no lane changes: always its lane
  // The changing bot: left until its first change (between 2 and 4 s), then right, then left again.
  std::vector<CourseObject> now;
  double first_right = -1.0, back_left = -1.0;
  double previous = 0.25;
  for (int step = 0; step <= 12 * 60; ++step) {
    const double time = step / 60.0;
    course.At(time, now);
    const double offset = now[2].offset_m;
    EXPECT_LE(std::fabs(offset - previous), 0.5 * 6.0 / 4.0 / 60.0 + 1e-9) << "a lane change is smooth, at " << time;
    previous = offset;
    if (first_right < 0 && offset <= -0.25 + 1e-9) first_right = time;
    if (first_right >= 0 && back_left < 0 && offset >= 0.25 - 1e-9) back_left = time;
  }
  EXPECT_GE(first_right, 2.0 + kLaneChangeS - 0.02);
  EXPECT_LE(first_right, 4.0 + kLaneChangeS + 0.02);
  EXPECT_NEAR(back_left - first_right, 4.0, 0.05);  // one interval later
  // Two courses of one race meet the same schedule.
  const Course again(t, rules, kCar, 0.0);
  std::vector<CourseObject> x, y;
  course.At(7.3, x);
  again.At(7.3, y);
  EXPECT_EQ(x[2].footprint.center, y[2].footprint.center);
  EXPECT_EQ(x[2].footprint.heading_rad, y[2].footprint.heading_rad);
}

// Drives the right-hand lane at a fixed speed, blind to what is on it.
LambdaPolicy LaneFollower(const Track& t, double speed, double offset = -0.25) {
  return LambdaPolicy([&t, speed, offset](const Observation& obs) {
    const double s = obs.position.s_m + 0.5;
    const Vec2 aim = t.CenterAt(s) + LeftNormal(t.TangentAt(s)) * offset;
    const Vec2 to = aim - obs.car.position;
    const double alpha = dmath::WrapAngle(dmath::Heading(to) - obs.car.heading_rad);
    Decision d;
    d.action = {RadToDeg(dmath::Atan2(2.0 * kCar.wheelbase_m * dmath::Sin(alpha), Length(to))), speed};
    return d;
  });
}

TEST(Crashes, DrivingIntoABoxAtFullSpeedIsACrashAndTheCarIsPutBackBehindItForThePenalty) {
  const Track t = Circle(4.0, 1.0, 160);
  RaceRules rules = testing::ObjectAvoidance({{30.0, Lane::kRight}});
  rules.laps = 1;
  rules.min_laps = 1;
  LambdaPolicy driver = LaneFollower(t, 4.0);
  Trial trial(t, rules);
  const Course& course = trial.course();
  std::vector<CourseObject> boxes;
  course.At(0.0, boxes);
  bool crashed = false;
  int64_t crash_step = 0;
  while (!trial.finished() && !crashed) {
    const Decision d = driver.Decide(trial.observation());
    trial.Advance(&d);
    crashed = trial.last_step().crashed;
    crash_step = trial.steps();
  }
  ASSERT_TRUE(crashed) << "the car drove through the box";
  EXPECT_EQ(trial.last_step().crashed_into, 0);
  // Where it touched, it overlaps the box; then it is put back, at rest, behind it in its lane.
  EXPECT_TRUE(Overlaps(CarFootprint(kCar, trial.last_step().car), boxes[0].footprint));
  const TrackPosition back = t.Locate(trial.car_model().TrackedPoint(trial.car()));
  const double nose = kCar.length_m - kCar.rear_overhang_m - kCar.tracked_point_m;
  EXPECT_NEAR(back.s_m, boxes[0].s_m - 0.5 * kBoxLengthM - nose - kCrashResetGapM, 0.02);
  EXPECT_NEAR(back.offset_m, -0.25, 0.02);
  EXPECT_EQ(trial.car().speed_mps, 0.0);
  EXPECT_FALSE(Overlaps(CarFootprint(kCar, trial.car()), boxes[0].footprint));
  // Held for the collision penalty (5 s = 75 steps), the clock running.
  int held = 0;
  while (!trial.awaiting_decision() && !trial.finished()) trial.Advance(nullptr), ++held;
  EXPECT_EQ(held, rules.collision_penalty_ms * kControlHz / 1000);
  EXPECT_EQ(trial.steps(), crash_step + held);
  while (!trial.finished()) {  // the rest of the lap, in the other lane
    const Decision d = LaneFollower(t, 1.5, 0.25).Decide(trial.observation());
    trial.Advance(&d);
  }
  ASSERT_EQ(trial.result().laps.size(), 1u);
  const LapResult& lap = trial.result().laps[0];
  EXPECT_EQ(lap.status, LapStatus::kComplete);
  EXPECT_EQ(lap.crash_count, 1);
  EXPECT_EQ(lap.off_track_count, 0);
  EXPECT_EQ(lap.resets, 1);
  EXPECT_GE(lap.time_ms, rules.collision_penalty_ms);
}

TEST(Crashes, WithoutResetsACrashEndsTheLapAsCrashedAndTheJsonSaysSo) {
  const Track t = Circle(4.0, 1.0, 160);
  RaceRules rules = testing::ObjectAvoidance({{30.0, Lane::kRight}});
  rules.reset_on_off_track = false;
  rules.lap_mode = LapMode::kStandingStart;
  LambdaPolicy driver = LaneFollower(t, 2.0);
  const TrialResult r = RunTrial(t, rules, driver);
  ASSERT_EQ(r.laps.size(), 3u);
  for (const LapResult& lap : r.laps) {
    EXPECT_EQ(lap.status, LapStatus::kCrashed);
    EXPECT_EQ(lap.crash_count, 1);
    EXPECT_NEAR(lap.progress_pct, 30.0 - 100.0 * (0.5 * kBoxLengthM + 0.104) / t.length_m(), 0.6);
  }
  const auto json = LapsToJson(r.laps);
  EXPECT_EQ(json[0]["status"], "crashed");
  EXPECT_EQ(json[0]["crash_count"], 1);
  EXPECT_EQ(LapsFromJson(json).value()[2].crash_count, 1);
}

TEST(Crashes, ABotIsHitToo_AndAFasterBotCatchesACarInItsLane) {
  const Track t = Circle(4.0, 1.0, 160);
  RaceRules rules = testing::HeadToBot(1, 0.5);  // slow, in the right lane, a quarter lap ahead
  rules.laps = 1;
  rules.min_laps = 1;
  LambdaPolicy driver = LaneFollower(t, 3.0);
  const TrialResult r = RunTrial(t, rules, driver);
  ASSERT_FALSE(r.laps.empty());
  EXPECT_GE(r.laps[0].crash_count, 1);
  // A bot at 3 m/s half a lap behind (it starts half a lap ahead on a loop) catches a car at 0.5 m/s.
  rules.bots[0].speed_mps = 3.0;
  LambdaPolicy slow = LaneFollower(t, 0.5);
  Trial trial(t, rules);
  bool crashed = false;
  while (!trial.finished() && !crashed) {
    const Decision d = slow.Decide(trial.observation());
    trial.Advance(&d);
    crashed = trial.last_step().crashed;
  }
  EXPECT_TRUE(crashed);
  EXPECT_LT(trial.steps(), 15 * 20);
}

TEST(Lidar, SeesBoxesAndBotsWithinAMetreClippedAndNotTheRoadsEdges) {
  const Track t = Circle(4.0, 1.0, 160);
  RaceRules rules = testing::ObjectAvoidance({{10.0, Lane::kRight}});
  TrialConfig config;
  config.sensors.lidar = true;
  config.sensors.sector_lidar = true;
  Trial trial(t, rules, config);
  const Observation& start = trial.observation();
  ASSERT_EQ(start.lidar.size(), 64u);
  for (float v : start.lidar) EXPECT_EQ(v, 1.0f);  // the box is 2.5 m away; borders are not seen
  for (float v : start.sector_lidar) EXPECT_EQ(v, 0.0f);
  // Drive up the lane until the box is near, then read the rays that face it.
  LambdaPolicy driver = LaneFollower(t, 0.5);
  std::vector<CourseObject> boxes;
  trial.course().At(0.0, boxes);
  bool saw_near = false;
  while (!trial.finished() && !trial.last_step().crashed) {
    const Observation& obs = trial.observation();
    const Footprint body = CarFootprint(kCar, obs.car);
    const double gap = Distance(body.center, boxes[0].footprint.center) - 0.5 * kBoxLengthM;
    const float ahead = std::min(obs.lidar[31], obs.lidar[32]);  // -2.4 and +2.4 degrees
    if (gap > 1.2) {
      EXPECT_EQ(ahead, 1.0f);
    }
    if (gap < 0.9 && gap > 0.2) {
      EXPECT_NEAR(ahead, gap, 0.03);
    }
    if (gap < 0.45 && gap > 0.2) {
      saw_near = true;
      EXPECT_EQ(obs.sector_lidar[3] + obs.sector_lidar[4], 2.0f);   // the two sectors either side of straight ahead
      EXPECT_EQ(obs.sector_lidar[0] + obs.sector_lidar[7], 0.0f);   // nothing behind
    }
    for (float v : obs.lidar) {
      EXPECT_GE(v, 0.15f);
      EXPECT_LE(v, 1.0f);
    }
    const Decision d = driver.Decide(obs);
    trial.Advance(&d);
  }
  EXPECT_TRUE(saw_near);
}

TEST(Lidar, TheModelContractNamesItsInputsAndWhichRaceTypesASensorSetSuits) {
  const auto m = ParseModelMetadata(R"({"action_space_type": "continuous",
      "action_space": {"steering_angle": {"low": -30, "high": 30}, "speed": {"low": 0.5, "high": 2}},
      "sensor": ["LIDAR", "STATE", "SECTOR_LIDAR"]})");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto inputs = m.value().inputs();
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0].name, "lidar");
  EXPECT_EQ(inputs[0].size, 64);
  EXPECT_EQ(inputs[2].name, "sector_lidar");
  EXPECT_EQ(inputs[2].size, 8);
  EXPECT_TRUE(m.value().sensor_config().lidar);
  EXPECT_TRUE(m.value().sensor_config().sector_lidar);
  EXPECT_TRUE(SensorsSuit({SensorKind::kTrackRays}, RaceType::kTimeTrial));
  EXPECT_FALSE(SensorsSuit({SensorKind::kTrackRays, SensorKind::kState}, RaceType::kObjectAvoidance));
  EXPECT_TRUE(SensorsSuit({SensorKind::kTrackRays, SensorKind::kSectorLidar}, RaceType::kHeadToBot));
  EXPECT_NE(WriteModelMetadata(m.value()).find("\"SECTOR_LIDAR\""), std::string::npos);
}

TEST(RaceRulesCodec, RaceTypesRoundTripAndEveryBadFieldIsNamed) {
  RaceRules oa = testing::ObjectAvoidance({{12.5, Lane::kLeft}, {60.0, Lane::kRight}});
  oa.course_seed = 77;
  oa.collision_penalty_ms = 3000;
  const auto back = RulesFromJson(RulesToJson(oa));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value().race_type, RaceType::kObjectAvoidance);
  EXPECT_EQ(back.value().obstacles.size(), 2u);
  EXPECT_EQ(back.value().obstacles[1].lane, Lane::kRight);
  EXPECT_EQ(back.value().obstacles[0].progress_pct, 12.5);
  EXPECT_EQ(back.value().course_seed, 77u);
  EXPECT_EQ(back.value().collision_penalty_ms, 3000);
  RaceRules bots = testing::HeadToBot(2, 1.5);
  bots.bots[1].lane_changes = true;
  const auto bots_back = RulesFromJson(RulesToJson(bots));
  ASSERT_TRUE(bots_back.ok()) << bots_back.error().message;
  EXPECT_EQ(bots_back.value().bots.size(), 2u);
  EXPECT_TRUE(bots_back.value().bots[1].lane_changes);
  EXPECT_EQ(bots_back.value().bots[0].speed_mps, 1.5);
  // A time trial's JSON names no boxes or bots; old rules without race_type are time trials.
  EXPECT_FALSE(RulesToJson(DefaultRaceRules()).contains("bots"));
  EXPECT_EQ(RulesFromJson({{"laps", 3}}).value().race_type, RaceType::kTimeTrial);

  auto error = [](nlohmann::json j) { return RulesFromJson(j).error().message; };
  EXPECT_EQ(error({{"race_type", "DRAG_RACE"}}), "race_type \"DRAG_RACE\" is not known (TIME_TRIAL, OBJECT_AVOIDANCE or HEAD_TO_BOT)");
  EXPECT_EQ(error({{"race_type", "HEAD_TO_BOT"}}), "bots must list between 1 and 6 bot cars");
  EXPECT_EQ(error({{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"speed_mps", 9}}}}}), "bots[0].speed_mps must be between 0.2 and 6");
  EXPECT_EQ(error({{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"lane", "MIDDLE"}}}}}), "bots[0].lane must be LEFT or RIGHT");
  EXPECT_EQ(error({{"race_type", "HEAD_TO_BOT"}, {"bots", {{{"lane_change_interval_s", 1}}}}}),
            "bots[0].lane_change_interval_s must be between 2 and 60");
  EXPECT_EQ(error({{"race_type", "OBJECT_AVOIDANCE"}, {"obstacle_count", 7}}), "obstacle_count must be between 1 and 6");
  EXPECT_EQ(error({{"race_type", "OBJECT_AVOIDANCE"}, {"obstacle_count", 2}, {"random_obstacles", false}}),
            "obstacles fixed placement needs one position per box (2), not 0");
  EXPECT_EQ(error({{"race_type", "OBJECT_AVOIDANCE"}, {"obstacle_count", 1}, {"random_obstacles", false},
                   {"obstacles", {{{"progress_pct", 100}, {"lane", "LEFT"}}}}}),
            "obstacles[0].progress_pct must be at least 0 and below 100");
  EXPECT_EQ(error({{"bots", {{{"speed_mps", 1}}}}}), "bots bot cars drive only in HEAD_TO_BOT races");
  EXPECT_EQ(error({{"collision_penalty_ms", -1}}), "collision_penalty_ms must be between 0 and 10000");
  EXPECT_EQ(error({{"course_seed", -5}}), "course_seed must be a whole number from 0 to 2147483647");
}

TEST(RaceTypeReplays, ARunAmongBotsAndBoxesReplaysExactlyFromItsTrace) {
  const Track t = BuiltinTrack(BuiltinTrackIds().front()).value();
  for (RaceRules rules : {testing::HeadToBot(3, 1.0), testing::ObjectAvoidance({})}) {
    SCOPED_TRACE(ToString(rules.race_type));
    ExpertDriver expert(t, kCar);
    // Spoil some actions, so crashes and resets are part of the run.
    int n = 0;
    LambdaPolicy sloppy([&](const Observation& obs) {
      Decision d = expert.Decide(obs);
      if (++n % 61 > 52) d.action = {0.0, 4.0};
      return d;
    });
    const TrialResult run = RunTrial(t, rules, sloppy);
    const auto decoded = DecodeTrace(EncodeTrace(run.trace, ActionSpace{}));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value().core_version, kCoreVersion);
    const ReplayCheck check = VerifyReplay(t, rules, decoded.value().steps, run.laps);
    EXPECT_TRUE(check.matches) << check.difference;
    EXPECT_EQ(check.result.fingerprint, run.fingerprint);
    int crashes = 0;
    for (const LapResult& lap : run.laps) crashes += lap.crash_count;
    std::printf("[ sloppy   ] %s: %d crashes, %zu laps\n", ToString(rules.race_type), crashes, run.laps.size());
  }
}

TEST(ExpertAmongObjects, CompletesThreeLapsWithoutACrashOnEveryBuiltinTrack) {
  for (const std::string& id : BuiltinTrackIds()) {
    const Track t = BuiltinTrack(id).value();
    for (const RaceRules& rules : testing::CompetentExpertRaces()) {
      SCOPED_TRACE(id + " " + testing::Describe(rules));
      const testing::ExpertRun run = testing::RunExpert(t, rules);
      std::printf("[ expert   ] %-18s %s\n", id.c_str(), run.summary.c_str());
      EXPECT_EQ(run.crashes, 0);
      EXPECT_EQ(run.off_track, 0);
      EXPECT_EQ(run.score.longest_streak, 3);
    }
  }
}

}  // namespace
}  // namespace pw
