// Determinism is a tested contract: these fingerprints change only when the
// simulation changes on purpose (then update them in the same commit and say
// why). The same runs, built with Emscripten, must print the same values
// under node: see tests/wasm/compare_golden.cmake.
#include <gtest/gtest.h>

#include <map>

#include "golden_trials.h"

namespace pw {
namespace {

TEST(Determinism, TrigonometryFingerprint) {
  EXPECT_EQ(golden::MathFingerprint(), 0x69f7e38f13a9fa8cull);
}

TEST(Determinism, GoldenTrialsMatchTheRecordedFingerprints) {
  const std::map<std::string, uint64_t> recorded = {
      {"pitwall_park/continuous", 0x92827b93e56a3105ull},
      {"pitwall_park/standing-spoiled", 0x77fe63b83e1075cdull},
      {"harbour_hairpin/continuous", 0x25cd802be62ddc0bull},
      {"harbour_hairpin/standing-spoiled", 0x5581307bbd2ab289ull},
      {"quarry_sprint/continuous", 0x4c6868b6ac4fba3aull},
      {"quarry_sprint/standing-spoiled", 0x94d9db4812ef47a0ull},
  };
  const auto runs = golden::RunGoldenTrials();
  ASSERT_EQ(runs.size(), recorded.size());
  for (const auto& run : runs) {
    SCOPED_TRACE(golden::Format(run));
    ASSERT_TRUE(recorded.count(run.name)) << run.name;
    EXPECT_EQ(run.fingerprint, recorded.at(run.name)) << run.name;
    if (run.name.find("continuous") != std::string::npos) {
      EXPECT_EQ(run.complete_laps, 3);
    }
  }
}

TEST(Determinism, RunningTwiceGivesTheSameBits) {
  const auto a = golden::RunGoldenTrials();
  const auto b = golden::RunGoldenTrials();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].fingerprint, b[i].fingerprint);
    EXPECT_EQ(a[i].observation_hash, b[i].observation_hash);
  }
}

}  // namespace
}  // namespace pw
