#include "pitwall/model_metadata.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pw {
namespace {

constexpr const char* kDiscrete = R"({"action_space_type": "discrete",
  "action_space": [{"steering_angle": -30, "speed": 0.6}, {"steering_angle": 0, "speed": 2.5}, {"steering_angle": 30, "speed": 0.6}],
  "sensor": ["TRACK_RAYS"], "track_rays": {"rays": 7, "fov_deg": 120, "range_m": 2.5},
  "training_algorithm": "clipped_ppo", "neural_network": "DEEP_CONVOLUTIONAL_NETWORK_SHALLOW", "version": "5"})";

constexpr const char* kContinuous = R"({"action_space_type": "continuous",
  "action_space": {"steering_angle": {"low": -20, "high": 25}, "speed": {"low": 1, "high": 3}},
  "sensor": ["STATE", "TRACK_RAYS"]})";

TEST(ModelMetadata, ParsesADeepRacerDiscreteSpace) {
  const auto m = ParseModelMetadata(kDiscrete);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().action_space.type, ActionSpaceType::kDiscrete);
  ASSERT_EQ(m.value().action_space.discrete.size(), 3u);
  EXPECT_EQ(m.value().action_space.discrete[1].speed_mps, 2.5);
  EXPECT_EQ(m.value().track_rays.rays, 7);
  EXPECT_EQ(m.value().output_size(), 3);
  const auto inputs = m.value().inputs();
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].name, "track_rays");
  EXPECT_EQ(inputs[0].size, 7);
}

TEST(ModelMetadata, ContinuousWithTwoSensorsInDeclaredOrder) {
  const auto m = ParseModelMetadata(kContinuous);
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto inputs = m.value().inputs();
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].name, "state");
  EXPECT_EQ(inputs[0].size, 8);
  EXPECT_EQ(inputs[1].size, 11);  // default rays
  EXPECT_TRUE(m.value().sensor_config().state);
  EXPECT_TRUE(m.value().sensor_config().track_rays);
  // And back through our writer.
  const auto again = ParseModelMetadata(WriteModelMetadata(m.value()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().action_space.steering_low_deg, -20.0);
}

std::string ErrorOf(const std::string& json) {
  const auto m = ParseModelMetadata(json);
  return m.ok() ? "(accepted)" : m.error().message;
}

TEST(ModelMetadata, EachProblemNamesItsField) {
  EXPECT_EQ(ErrorOf("{nope"), "model_metadata is not valid JSON");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "discrete", "action_space": [{"steering_angle": 45, "speed": 1}], "sensor": ["STATE"]})"),
            "invalid model_metadata: action_space[0].steering_angle: 45 is outside -30..30 degrees");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "discrete", "action_space": [{"steering_angle": 0, "speed": 5}], "sensor": ["STATE"]})"),
            "invalid model_metadata: action_space[0].speed: 5 is outside 0.1..4 m/s");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "continuous", "action_space": {"steering_angle": {"low": -30, "high": 30}, "speed": {"low": 0.05, "high": 4}}, "sensor": ["STATE"]})"),
            "invalid model_metadata: action_space.speed.low: 0.05 is outside 0.1..4 m/s");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "discrete", "action_space": [{"steering_angle": 0, "speed": 1}], "sensor": ["FRONT_FACING_CAMERA"]})"),
            "invalid model_metadata: sensor[0]: 'FRONT_FACING_CAMERA' is not a sensor Pitwall simulates (TRACK_RAYS, STATE, LIDAR, SECTOR_LIDAR)");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "sideways", "action_space": [], "sensor": ["STATE"]})"),
            "invalid model_metadata: action_space_type: must be \"discrete\" or \"continuous\"");
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "discrete", "action_space": [{"steering_angle": 0, "speed": 1}]})"),
            "invalid model_metadata: sensor: a non-empty list, e.g. [\"TRACK_RAYS\"] or [\"STATE\"]");
}

TEST(ModelMetadata, AtMost32DiscreteActions) {
  std::string actions;
  for (int i = 0; i < 33; ++i) actions += std::string(i ? "," : "") + R"({"steering_angle": 0, "speed": 1})";
  EXPECT_EQ(ErrorOf(R"({"action_space_type": "discrete", "action_space": [)" + actions + R"(], "sensor": ["STATE"]})"),
            "invalid model_metadata: action_space: 33 actions; at most 32");
}

TEST(DecodeModelOutput, DiscreteTakesTheHighestScoreTiesToTheLowerIndex) {
  const ModelMetadata m = ParseModelMetadata(kDiscrete).value();
  const float scores[3] = {0.2f, 0.7f, 0.7f};
  const Decision d = DecodeModelOutput(m.action_space, scores, 3);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.discrete_index, 1);
  EXPECT_EQ(d.action.speed_mps, 2.5);
}

TEST(DecodeModelOutput, ContinuousScalesAndClamps) {
  const ModelMetadata m = ParseModelMetadata(kContinuous).value();
  const float mid[2] = {0.0f, 0.0f};
  Decision d = DecodeModelOutput(m.action_space, mid, 2);
  EXPECT_DOUBLE_EQ(d.action.steering_deg, 2.5);
  EXPECT_DOUBLE_EQ(d.action.speed_mps, 2.0);
  const float beyond[2] = {-7.0f, 1.5f};
  d = DecodeModelOutput(m.action_space, beyond, 2);
  EXPECT_DOUBLE_EQ(d.action.steering_deg, -20.0);
  EXPECT_DOUBLE_EQ(d.action.speed_mps, 3.0);
}

TEST(DecodeModelOutput, NanInfinityAndWrongCountAreModelErrors) {
  const ModelMetadata m = ParseModelMetadata(kContinuous).value();
  const float nan_out[2] = {NAN, 0.0f};
  EXPECT_EQ(DecodeModelOutput(m.action_space, nan_out, 2).error, "output 0 is NaN");
  const float inf_out[2] = {0.0f, INFINITY};
  EXPECT_EQ(DecodeModelOutput(m.action_space, inf_out, 2).error, "output 1 is infinite");
  const float three[3] = {0, 0, 0};
  EXPECT_EQ(DecodeModelOutput(m.action_space, three, 3).error, "the model output 3 values, expected 2");
}

}  // namespace
}  // namespace pw
