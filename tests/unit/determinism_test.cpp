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
      // Core version 2's race types (time trials above are unchanged since version 1).
      {"pitwall_park/object-avoidance-spoiled", 0xcd6af0be89c30174ull},
      {"pitwall_park/head-to-bot-spoiled", 0xa02ee70e534c5cefull},
      {"harbour_hairpin/object-avoidance-spoiled", 0x2fe77fb039de427cull},
      {"harbour_hairpin/head-to-bot-spoiled", 0xcb47cfd6c7185cb2ull},
      {"quarry_sprint/object-avoidance-spoiled", 0x59cb640c912ac0dfull},
      {"quarry_sprint/head-to-bot-spoiled", 0x5728a8723cacec0aull},
      // Core version 3's road between the borders, on a track whose quads twist.
      {"awkward_loop_skewed/continuous", 0x528dd0edb4ca1455ull},
      {"awkward_loop_skewed/standing-spoiled", 0x6d52ecb9e7e79971ull},
  };
  const auto runs = golden::RunGoldenTrials();
  ASSERT_EQ(runs.size(), recorded.size());
  int crashes = 0;
  for (const auto& run : runs) {
    SCOPED_TRACE(golden::Format(run));
    ASSERT_TRUE(recorded.count(run.name)) << run.name;
    EXPECT_EQ(run.fingerprint, recorded.at(run.name)) << run.name;
    if (run.name.find("continuous") != std::string::npos) {
      EXPECT_EQ(run.complete_laps, 3);
    }
    if (run.name.find("spoiled") != std::string::npos && run.name.find("standing") == std::string::npos) crashes += run.crashes;
  }
  EXPECT_GT(crashes, 0) << "the race-type runs should include crashes and their resets";
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
