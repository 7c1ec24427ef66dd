#include "pitwall/sensors.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pw {
namespace {

Observation At(const Track& t, const CarModel& car, Vec2 rear_axle, double heading) {
  Observation obs;
  obs.car.position = rear_axle;
  obs.car.heading_rad = heading;
  obs.position = t.Locate(car.TrackedPoint(obs.car));
  return obs;
}

TEST(Sensors, TrackRaysMeasureToTheRoadEdge) {
  const Track t = Track::Build(testing::StraightDef(20.0, 1.0)).value();
  const CarModel car(DefaultCarParams());
  SensorConfig cfg;
  cfg.track_rays = true;
  cfg.rays = {5, 180.0, 3.0};
  const SensorSuite sensors(t, car, cfg);
  Observation obs = At(t, car, {5.0, 0.2}, 0.0);  // tracked point at (5.14, 0.2), 0.3 m from the left edge
  sensors.Fill(obs);
  ASSERT_EQ(obs.track_rays.size(), 5u);
  EXPECT_NEAR(obs.track_rays[0], 0.7f, 1e-6);   // rightmost ray: straight right
  EXPECT_NEAR(obs.track_rays[1], 0.7f * std::sqrt(2.0f), 1e-5);
  EXPECT_NEAR(obs.track_rays[2], 3.0f, 1e-6);   // straight ahead: clipped to the range
  EXPECT_NEAR(obs.track_rays[3], 0.3f * std::sqrt(2.0f), 1e-5);
  EXPECT_NEAR(obs.track_rays[4], 0.3f, 1e-6);   // leftmost
}

TEST(Sensors, RaysReadZeroOffTheRoad) {
  const Track t = Track::Build(testing::StraightDef(20.0, 1.0)).value();
  const CarModel car(DefaultCarParams());
  SensorConfig cfg;
  cfg.track_rays = true;
  const SensorSuite sensors(t, car, cfg);
  Observation obs = At(t, car, {5.0, 2.0}, 0.0);
  sensors.Fill(obs);
  ASSERT_EQ(obs.track_rays.size(), 11u);
  for (float r : obs.track_rays) EXPECT_EQ(r, 0.0f);
}

TEST(Sensors, StateLayout) {
  const Track t = testing::Circle(5.0, 1.2, 400);  // counter-clockwise: curvature +0.2
  const CarModel car(DefaultCarParams());
  SensorConfig cfg;
  cfg.state = true;
  const SensorSuite sensors(t, car, cfg);
  // On the circle at angle 0 the track heads north; the car points 10 degrees left of that,
  // 0.2 m towards the centre (left).
  Observation obs = At(t, car, {4.8, -0.14}, kPi / 2 + DegToRad(10.0));
  obs.car.speed_mps = 2.5;
  obs.car.steering_rad = DegToRad(-12.0);
  obs.position = t.Locate(car.TrackedPoint(obs.car));
  sensors.Fill(obs);
  EXPECT_FLOAT_EQ(obs.state[0], 2.5f);
  EXPECT_NEAR(obs.state[1], -12.0f, 1e-5);
  EXPECT_NEAR(obs.state[2], 10.0f, 1.5f);
  EXPECT_NEAR(obs.state[3], 0.2f, 0.03f);
  for (int i = 4; i < 8; ++i) EXPECT_NEAR(obs.state[static_cast<size_t>(i)], 0.2f, 0.01f);
}

}  // namespace
}  // namespace pw
