#include "ort_policy.h"

#include <gtest/gtest.h>

#include <random>

#include "model_corpus.h"
#include "model_gate.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"
#include "trainer.h"

namespace pw::models {
namespace {

std::shared_ptr<OrtModel> Load(const std::string& bytes) {
  const ModelReport r = InspectModel(bytes);
  EXPECT_TRUE(r.accepted()) << (r.problems.empty() ? "" : r.problems[0]);
  auto m = OrtModel::Load(bytes, *r.metadata);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.value();
}

TEST(OrtPolicy, NativeOnnxRuntimeComputesWhatTheLayersSay) {
  const ModelMetadata md = pw::testing::ContinuousStateMetadata();
  const auto layers = pw::testing::RandomLayers(8, 16, 2);
  OrtPolicy ort(Load(WriteMlpModel(layers, md)));
  DenseNetPolicy direct(layers, md);
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.0f, 0.5f);
  for (int i = 0; i < 200; ++i) {
    Observation obs;
    for (float& v : obs.state) v = d(rng);
    const Decision a = ort.Decide(obs), b = direct.Decide(obs);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_NEAR(a.action.steering_deg, b.action.steering_deg, 1e-3);
    EXPECT_NEAR(a.action.speed_mps, b.action.speed_mps, 1e-4);
  }
}

TEST(OrtPolicy, DiscreteModelsPickTheHighestScore) {
  const ModelMetadata md = pw::testing::DiscreteRaysMetadata(5);
  const auto layers = pw::testing::RandomLayers(11, 16, 5);
  OrtPolicy ort(Load(WriteMlpModel(layers, md)));
  DenseNetPolicy direct(layers, md);
  Observation obs;
  obs.track_rays.assign(11, 1.0f);
  for (int i = 0; i < 11; ++i) {
    obs.track_rays[static_cast<size_t>(i)] = 0.2f * static_cast<float>(i);
    const Decision a = ort.Decide(obs);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.discrete_index, direct.Decide(obs).discrete_index);
    EXPECT_EQ(a.action.speed_mps, md.action_space.discrete[static_cast<size_t>(a.discrete_index)].speed_mps);
  }
}

TEST(OrtPolicy, AModelThatOverflowsEndsTheTrialWithAModelError) {
  ModelMetadata md = pw::testing::ContinuousStateMetadata();
  auto layers = pw::testing::RandomLayers(8, 16, 2);
  for (float& w : layers[1].weights) w = 3.0e38f;  // finite weights, so the gate accepts them ...
  for (float& b : layers[1].bias) b = 3.0e38f;      // ... but the sums overflow to infinity
  OrtPolicy policy(Load(WriteMlpModel(layers, md)));
  const Track track = BuiltinTrack("pitwall_park").value();
  TrialConfig config;
  config.sensors = md.sensor_config();
  const TrialResult r = RunTrial(track, DefaultRaceRules(), policy, config);
  EXPECT_EQ(r.end, LapStatus::kModelError);
  EXPECT_NE(r.error.find("is infinite"), std::string::npos) << r.error;
  ASSERT_EQ(r.laps.size(), 1u);
  EXPECT_EQ(r.laps[0].status, LapStatus::kModelError);
}

TEST(OrtPolicy, OverrunningTheStepBudgetIsAModelError) {
  OrtPolicy slow(Load(pw::testing::ValidModel()), /*step_budget_us=*/0);
  const Decision d = slow.Decide(Observation{});
  EXPECT_FALSE(d.ok());
  EXPECT_NE(d.error.find("the budget is 0 ms per step"), std::string::npos) << d.error;
}

TEST(OrtPolicy, BytesOnnxRuntimeCannotLoadAreAnErrorNotACrash) {
  const auto r = OrtModel::Load("definitely not a model", pw::testing::ContinuousStateMetadata());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ONNX Runtime cannot load the model"), std::string::npos);
}

}  // namespace
}  // namespace pw::models
