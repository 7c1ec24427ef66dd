#include "pitwall/math.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pw {
namespace {

TEST(DeterministicMath, SinAndCosMatchTheCLibraryToTheLastBits) {
  for (int i = -100000; i <= 100000; ++i) {
    const double x = i * 0.000731 * (i % 7 == 0 ? 100.0 : 1.0);
    ASSERT_NEAR(dmath::Sin(x), std::sin(x), 4e-16 * std::max(1.0, std::fabs(x) / 10.0)) << "x=" << x;
    ASSERT_NEAR(dmath::Cos(x), std::cos(x), 4e-16 * std::max(1.0, std::fabs(x) / 10.0)) << "x=" << x;
  }
}

TEST(DeterministicMath, AtanAndAtan2MatchTheCLibrary) {
  for (int i = -20000; i <= 20000; ++i) {
    const double x = i * 0.00173;
    ASSERT_NEAR(dmath::Atan(x), std::atan(x), 4e-16) << x;
    for (double y : {-3.0, -0.5, -1e-9, 0.0, 1e-9, 0.7, 2.5}) ASSERT_NEAR(dmath::Atan2(y, x), std::atan2(y, x), 8e-16) << y << "," << x;
  }
}

TEST(DeterministicMath, Atan2QuadrantsAndSignedZeros) {
  EXPECT_DOUBLE_EQ(dmath::Atan2(0.0, -1.0), kPi);
  EXPECT_DOUBLE_EQ(dmath::Atan2(-0.0, -1.0), -kPi);
  EXPECT_DOUBLE_EQ(dmath::Atan2(1.0, 0.0), kPi / 2);
  EXPECT_DOUBLE_EQ(dmath::Atan2(-1.0, 0.0), -kPi / 2);
  EXPECT_DOUBLE_EQ(dmath::Atan2(-1.0, -1.0), -3 * kPi / 4);
  EXPECT_TRUE(std::isnan(dmath::Atan2(NAN, 1.0)));
  EXPECT_TRUE(std::isnan(dmath::Sin(INFINITY)));
}

TEST(DeterministicMath, WrapAngleStaysInHalfOpenRange) {
  EXPECT_DOUBLE_EQ(dmath::WrapAngle(0.5), 0.5);
  EXPECT_NEAR(dmath::WrapAngle(3 * kPi + 0.25), -kPi + 0.25, 1e-12);
  EXPECT_NEAR(dmath::WrapAngle(-7.0), -7.0 + kTwoPi, 1e-12);
  EXPECT_DOUBLE_EQ(dmath::WrapAngle(kPi), -kPi);
}

}  // namespace
}  // namespace pw
