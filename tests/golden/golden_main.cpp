// Prints the golden trials' fingerprints, one per line. Built natively and with
// Emscripten; tests/wasm/compare_golden.cmake checks the two print the same.
#include <cstdio>

#include "golden_trials.h"

int main() {
  std::printf("math fingerprint=%016llx\n", static_cast<unsigned long long>(pw::golden::MathFingerprint()));
  for (const auto& run : pw::golden::RunGoldenTrials()) std::printf("%s\n", pw::golden::Format(run).c_str());
  return 0;
}
