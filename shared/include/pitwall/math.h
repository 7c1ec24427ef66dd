// Deterministic maths for the racing core.
//
// The simulation must give bit-identical results natively (g++, glibc) and in
// WebAssembly (Emscripten, musl). IEEE-754 +, -, *, / and sqrt are correctly
// rounded everywhere, but libm's sin/cos/atan2 are not specified to the bit and
// differ between C libraries. So the core uses these functions, built only from
// basic operations, and never std::sin/std::cos/std::atan2. Together with
// -ffp-contract=off (no fused multiply-add) this makes the core reproducible.
#pragma once

#include <cmath>

namespace pw {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kTwoPi = 2.0 * kPi;

/// Degrees to radians and back.
constexpr double DegToRad(double deg) { return deg * (kPi / 180.0); }
constexpr double RadToDeg(double rad) { return rad * (180.0 / kPi); }

/// A 2D vector in metres (world frame: x east, y north, angles counter-clockwise).
struct Vec2 {
  double x = 0.0;
  double y = 0.0;
};

constexpr Vec2 operator+(Vec2 a, Vec2 b) { return {a.x + b.x, a.y + b.y}; }
constexpr Vec2 operator-(Vec2 a, Vec2 b) { return {a.x - b.x, a.y - b.y}; }
constexpr Vec2 operator*(Vec2 a, double s) { return {a.x * s, a.y * s}; }
constexpr Vec2 operator*(double s, Vec2 a) { return {a.x * s, a.y * s}; }
constexpr bool operator==(Vec2 a, Vec2 b) { return a.x == b.x && a.y == b.y; }
constexpr double Dot(Vec2 a, Vec2 b) { return a.x * b.x + a.y * b.y; }
/// z of the 3D cross product: > 0 when b is to the left of a.
constexpr double Cross(Vec2 a, Vec2 b) { return a.x * b.y - a.y * b.x; }
inline double Length(Vec2 a) { return std::sqrt(a.x * a.x + a.y * a.y); }
inline double Distance(Vec2 a, Vec2 b) { return Length(a - b); }
/// Rotated 90 degrees counter-clockwise (the left normal of a direction).
constexpr Vec2 LeftNormal(Vec2 a) { return {-a.y, a.x}; }
constexpr Vec2 Lerp(Vec2 a, Vec2 b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

namespace dmath {

/// sin and cos, within 2 ulp of the true value for |x| < 1e6 (fdlibm kernels,
/// Cody-Waite reduction). Bit-identical on every IEEE-754 platform.
double Sin(double x);
double Cos(double x);
/// atan2 with the C library's quadrant conventions (fdlibm algorithm).
double Atan2(double y, double x);
double Atan(double x);
double Tan(double x);
/// Wraps an angle to [-pi, pi).
double WrapAngle(double rad);
/// Unit vector at the given heading.
inline Vec2 Direction(double heading_rad) { return {Cos(heading_rad), Sin(heading_rad)}; }
/// Heading of a vector (atan2(y, x)).
inline double Heading(Vec2 v) { return Atan2(v.y, v.x); }

}  // namespace dmath
}  // namespace pw
