// The golden trials: whole multi-lap runs whose fingerprints must be equal
// natively and in WebAssembly, and equal to the values recorded in
// determinism_test.cpp (a change there is a change of the simulation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::golden {

struct GoldenRun {
  std::string name;
  uint64_t fingerprint = 0;       ///< every step's car state and the laps
  uint64_t observation_hash = 0;  ///< every observation's sensor values
  int complete_laps = 0;
  int64_t total_ms = 0;
  int64_t steps = 0;
  int crashes = 0;
};

std::vector<GoldenRun> RunGoldenTrials();
/// A hash of the deterministic trigonometry over a sweep of arguments.
uint64_t MathFingerprint();
std::string Format(const GoldenRun& run);

}  // namespace pw::golden
