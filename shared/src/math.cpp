// fdlibm-derived kernels (Sun Microsystems, freely distributable). Only
// +, -, *, / and comparisons are used, so results are identical on every
// IEEE-754 double platform when contraction to FMA is disabled.
#include "pitwall/math.h"

namespace pw::dmath {
namespace {

constexpr double kInvPio2 = 6.36619772367581382433e-01;
constexpr double kPio2Hi = 1.57079632673412561417e+00;  // first 33 bits of pi/2
constexpr double kPio2Mid = 6.07710050650619224932e-11;  // pi/2 - kPio2Hi, next 33 bits
constexpr double kPio2Lo = 2.02226624879595063154e-21;  // the rest

double KernelSin(double x) {
  constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                   S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                   S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const double z = x * x;
  const double v = z * x;
  const double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

double KernelCos(double x) {
  constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                   C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                   C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  const double hz = 0.5 * z;
  const double w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + z * r);
}

// Reduces x to r in [-pi/4, pi/4] and returns the quadrant n (mod 4).
int Reduce(double x, double& r) {
  const double fn = std::floor(x * kInvPio2 + 0.5);
  r = ((x - fn * kPio2Hi) - fn * kPio2Mid) - fn * kPio2Lo;
  const long long n = static_cast<long long>(fn);
  return static_cast<int>(n & 3);
}

}  // namespace

double Sin(double x) {
  if (!std::isfinite(x)) return x - x;
  double r;
  switch (Reduce(x, r)) {
    case 0: return KernelSin(r);
    case 1: return KernelCos(r);
    case 2: return -KernelSin(r);
    default: return -KernelCos(r);
  }
}

double Cos(double x) {
  if (!std::isfinite(x)) return x - x;
  double r;
  switch (Reduce(x, r)) {
    case 0: return KernelCos(r);
    case 1: return -KernelSin(r);
    case 2: return -KernelCos(r);
    default: return KernelSin(r);
  }
}

double Tan(double x) { return Sin(x) / Cos(x); }

double Atan(double x) {
  static constexpr double kAtanHi[] = {4.63647609000806093515e-01, 7.85398163397448278999e-01,
                                       9.82793723247329054082e-01, 1.57079632679489655800e+00};
  static constexpr double kAtanLo[] = {2.26987774529616870924e-17, 3.06161699786838301793e-17,
                                       1.39033110312309984516e-17, 6.12323399573676603587e-17};
  static constexpr double aT[] = {
      3.33333333333329318027e-01,  -1.99999999998764832476e-01, 1.42857142725034663711e-01,
      -1.11111104054623557880e-01, 9.09088713343650656196e-02,  -7.69187620504482999495e-02,
      6.66107313738753120669e-02,  -5.83357013379057348645e-02, 4.97687799461593236017e-02,
      -3.65315727442169155270e-02, 1.62858201153657823623e-02};
  if (std::isnan(x)) return x;
  const bool negative = x < 0.0;
  double ax = negative ? -x : x;
  int id;
  if (ax >= 1.0e17) return negative ? -kAtanHi[3] - kAtanLo[3] : kAtanHi[3] + kAtanLo[3];
  if (ax < 0.4375) {
    if (ax < 1.0e-29) return x;
    id = -1;
  } else if (ax < 1.1875) {
    if (ax < 0.6875) {
      id = 0;
      ax = (2.0 * ax - 1.0) / (2.0 + ax);
    } else {
      id = 1;
      ax = (ax - 1.0) / (ax + 1.0);
    }
  } else if (ax < 2.4375) {
    id = 2;
    ax = (ax - 1.5) / (1.0 + 1.5 * ax);
  } else {
    id = 3;
    ax = -1.0 / ax;
  }
  const double z = ax * ax;
  const double w = z * z;
  const double s1 = z * (aT[0] + w * (aT[2] + w * (aT[4] + w * (aT[6] + w * (aT[8] + w * aT[10])))));
  const double s2 = w * (aT[1] + w * (aT[3] + w * (aT[5] + w * (aT[7] + w * aT[9]))));
  if (id < 0) {
    const double result = ax - ax * (s1 + s2);
    return negative ? -result : result;
  }
  const double result = kAtanHi[id] - ((ax * (s1 + s2) - kAtanLo[id]) - ax);
  return negative ? -result : result;
}

double Atan2(double y, double x) {
  if (std::isnan(x) || std::isnan(y)) return x + y;
  if (x == 0.0 && y == 0.0) {
    if (std::signbit(x)) return std::signbit(y) ? -kPi : kPi;
    return y;  // +-0
  }
  if (x == 0.0) return y > 0.0 ? kPi / 2.0 : -kPi / 2.0;
  if (std::isinf(x) || std::isinf(y)) {
    if (std::isinf(x) && std::isinf(y)) {
      const double a = x > 0.0 ? kPi / 4.0 : 3.0 * kPi / 4.0;
      return y > 0.0 ? a : -a;
    }
    if (std::isinf(y)) return y > 0.0 ? kPi / 2.0 : -kPi / 2.0;
    if (x > 0.0) return std::signbit(y) ? -0.0 : 0.0;
    return std::signbit(y) ? -kPi : kPi;
  }
  const double a = Atan(std::fabs(y / x));
  if (x > 0.0) return std::signbit(y) ? -a : a;
  return std::signbit(y) ? -(kPi - a) : kPi - a;
}

double WrapAngle(double rad) {
  if (!std::isfinite(rad)) return rad;
  double r = rad - kTwoPi * std::floor((rad + kPi) / kTwoPi);
  if (r >= kPi) r -= kTwoPi;
  if (r < -kPi) r += kTwoPi;
  return r;
}

}  // namespace pw::dmath
