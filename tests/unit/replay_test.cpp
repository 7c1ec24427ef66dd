#include "pitwall/replay.h"

#include <gtest/gtest.h>

#include "pitwall/expert.h"
#include "pitwall/track_library.h"
#include "test_support.h"

namespace pw {
namespace {

TrialResult ExpertRun(const Track& t, int laps = 3) {
  ExpertDriver expert(t, DefaultCarParams());
  RaceRules rules = DefaultRaceRules();
  rules.laps = laps;
  return RunTrial(t, rules, expert);
}

TEST(Trace, ContinuousActionsRoundTripExactly) {
  const Track t = BuiltinTrack("harbour_hairpin").value();
  const TrialResult run = ExpertRun(t);
  const std::string bytes = EncodeTrace(run.trace, ActionSpace{});
  EXPECT_EQ(bytes.size(), 12 + run.trace.size() * 4);
  const auto decoded = DecodeTrace(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().core_version, kCoreVersion);
  ASSERT_EQ(decoded.value().steps.size(), run.trace.size());
  for (size_t i = 0; i < run.trace.size(); ++i) {
    EXPECT_EQ(decoded.value().steps[i].steering_deg, run.trace[i].steering_deg) << i;
    EXPECT_EQ(decoded.value().steps[i].speed_mps, run.trace[i].speed_mps) << i;
  }
}

TEST(Trace, DiscreteActionsAreOneBytePerStep) {
  ActionSpace space;
  space.type = ActionSpaceType::kDiscrete;
  space.discrete = {{-30, 1.0}, {0, 2.5}, {30, 1.0}};
  std::vector<TraceStep> steps;
  for (int i = 0; i < 500; ++i) {
    const int k = (i / 7) % 3;
    steps.push_back({static_cast<float>(space.discrete[static_cast<size_t>(k)].steering_deg),
                     static_cast<float>(space.discrete[static_cast<size_t>(k)].speed_mps), k});
  }
  const std::string bytes = EncodeTrace(steps, space);
  EXPECT_EQ(bytes.size(), 12 + 1 + 3 * 8 + 500);
  const auto decoded = DecodeTrace(bytes).value();
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(decoded.steps[i].discrete_index, steps[i].discrete_index);
    EXPECT_EQ(decoded.steps[i].speed_mps, steps[i].speed_mps);
  }
}

TEST(Trace, ReplayVerifiesTheRunAndCatchesOneChangedAction) {
  const Track t = BuiltinTrack("pitwall_park").value();
  const TrialResult run = ExpertRun(t);
  const auto decoded = DecodeTrace(EncodeTrace(run.trace, ActionSpace{})).value();
  RaceRules rules = DefaultRaceRules();
  const ReplayCheck ok = VerifyReplay(t, rules, decoded.steps, run.laps);
  EXPECT_TRUE(ok.matches) << ok.difference;
  EXPECT_EQ(ok.result.fingerprint, run.fingerprint);

  std::vector<TraceStep> tampered = decoded.steps;
  tampered[tampered.size() / 2].speed_mps = 4.0f;
  tampered[tampered.size() / 2].steering_deg = 30.0f;
  const ReplayCheck bad = VerifyReplay(t, rules, tampered, run.laps);
  EXPECT_FALSE(bad.matches);
  EXPECT_NE(bad.difference.find("the replay gives"), std::string::npos) << bad.difference;
}

TEST(Trace, RefusesWhatItCannotReplay) {
  const std::string good = EncodeTrace(ExpertRun(BuiltinTrack("pitwall_park").value(), 1).trace, ActionSpace{});
  EXPECT_EQ(DecodeTrace("nonsense").error().message, "not a Pitwall trace");
  std::string v2 = good;
  v2[4] = 2;
  EXPECT_EQ(DecodeTrace(v2).error().message, "trace format 2 is not supported (this Pitwall reads format 1)");
  std::string other_core = good;
  other_core[5] = static_cast<char>(kCoreVersion + 1);
  EXPECT_NE(DecodeTrace(other_core).error().message.find("cannot replay it exactly"), std::string::npos);
  EXPECT_EQ(DecodeTrace(good.substr(0, good.size() - 3)).error().message, "the trace is truncated or has trailing bytes");
}

}  // namespace
}  // namespace pw
