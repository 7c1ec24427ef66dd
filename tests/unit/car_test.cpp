#include "pitwall/car.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pw {
namespace {

constexpr double kDt = 1.0 / 60.0;

TEST(Car, DeepRacerDimensions) {
  const CarParams p = DefaultCarParams();
  EXPECT_DOUBLE_EQ(p.wheelbase_m, 0.164);
  EXPECT_DOUBLE_EQ(p.track_m, 0.162);
  EXPECT_DOUBLE_EQ(p.width_m, 0.196);
  EXPECT_DOUBLE_EQ(p.length_m, 0.324);
  EXPECT_DOUBLE_EQ(p.tracked_point_m, 0.14);
  EXPECT_DOUBLE_EQ(p.max_steering_deg, 30.0);
  EXPECT_DOUBLE_EQ(p.tyre_mu, 0.5);
}

TEST(Car, SteeringMovesAtAFiniteRate) {
  const CarModel car(DefaultCarParams());
  CarState s;
  car.Step(s, DegToRad(30.0), 1.0, kDt);
  EXPECT_NEAR(RadToDeg(s.steering_rad), 400.0 * kDt, 1e-9);  // not the full 30 degrees at once
  for (int i = 0; i < 10; ++i) car.Step(s, DegToRad(30.0), 1.0, kDt);
  EXPECT_NEAR(RadToDeg(s.steering_rad), 30.0, 1e-9);
}

TEST(Car, AccelerationAndBrakingAreFinite) {
  const CarModel car(DefaultCarParams());
  CarState s;
  for (int i = 0; i < 60; ++i) car.Step(s, 0.0, 4.0, kDt);  // one second flat out from rest
  EXPECT_NEAR(s.speed_mps, 3.0, 1e-9);
  for (int i = 0; i < 30; ++i) car.Step(s, 0.0, 4.0, kDt);
  EXPECT_NEAR(s.speed_mps, 4.0, 1e-9);
  for (int i = 0; i < 15; ++i) car.Step(s, 0.0, 0.1, kDt);  // 0.25 s of braking
  EXPECT_NEAR(s.speed_mps, 3.0, 1e-9);
}

TEST(Car, TooFastIntoACornerRunsWide) {
  const CarModel car(DefaultCarParams());
  // At walking pace full lock turns on the steering geometry's radius ...
  CarState slow;
  slow.speed_mps = 0.5;
  slow.steering_rad = DegToRad(30.0);
  car.Step(slow, DegToRad(30.0), 0.5, kDt);
  EXPECT_FALSE(slow.sliding);
  const double geometric_radius = 0.164 / std::tan(DegToRad(30.0));
  EXPECT_NEAR(slow.heading_rad, 0.5 * kDt / geometric_radius, 1e-9);
  // ... but at 3 m/s the tyres hold only mu*g, so the arc is far wider and speed is scrubbed.
  CarState fast;
  fast.speed_mps = 3.0;
  fast.steering_rad = DegToRad(30.0);
  car.Step(fast, DegToRad(30.0), 3.0, kDt);
  EXPECT_TRUE(fast.sliding);
  const double grip_radius = 9.0 / (0.5 * 9.81);
  EXPECT_NEAR(fast.heading_rad, 3.0 * kDt / grip_radius, 1e-9);
  EXPECT_LT(fast.speed_mps, 3.0);
  EXPECT_NEAR(car.MaxCornerSpeed(0.5), std::sqrt(0.5 * 9.81 * 0.5), 1e-12);
  EXPECT_DOUBLE_EQ(car.MaxCornerSpeed(100.0), 4.0);
}

TEST(Car, TrackedPointAndWheels) {
  const CarModel car(DefaultCarParams());
  CarState s;
  s.position = {1.0, 2.0};
  s.heading_rad = kPi / 2;  // facing north
  const Vec2 tp = car.TrackedPoint(s);
  EXPECT_NEAR(tp.x, 1.0, 1e-12);
  EXPECT_NEAR(tp.y, 2.14, 1e-12);
  const WheelPositions w = car.Wheels(s);
  EXPECT_NEAR(w.wheel[0].x, 1.0 - 0.081, 1e-12);  // rear left is west when facing north
  EXPECT_NEAR(w.wheel[3].x, 1.0 + 0.081, 1e-12);  // front right
  EXPECT_NEAR(w.wheel[3].y, 2.0 + 0.164, 1e-12);
}

}  // namespace
}  // namespace pw
