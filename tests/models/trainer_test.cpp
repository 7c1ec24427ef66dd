#include "trainer.h"

#include <gtest/gtest.h>

#include "model_gate.h"
#include "ort_policy.h"
#include "pitwall/scoring.h"
#include "pitwall/track_library.h"
#include "pitwall/trial.h"

namespace pw::models {
namespace {

struct Drive {
  int clean_streak = 0;  // consecutive complete laps without going off track
  int64_t best_lap_ms = 0;
};

// Writes the trained model as ONNX, reloads it through the gate and runs it
// with native ONNX Runtime: what the server will do with it.
Drive DriveWithOnnxRuntime(const TrainedModel& trained, const std::string& track_id) {
  const std::string bytes = WriteMlpModel(trained.layers, trained.metadata);
  const ModelReport report = InspectModel(bytes);
  EXPECT_TRUE(report.accepted());
  OrtPolicy policy(OrtModel::Load(bytes, *report.metadata).value());
  const Track track = BuiltinTrack(track_id).value();
  RaceRules rules = DefaultRaceRules();
  rules.reset_on_off_track = false;  // one mistake ends it
  TrialConfig config;
  config.sensors = trained.metadata.sensor_config();
  const TrialResult r = RunTrial(track, rules, policy, config);
  const Score s = ScoreLaps(r.laps, rules);
  return {s.longest_streak, s.best_lap_ms};
}

TEST(StarterModels, StateModelLapsItsTrackAndAnUnseenOne) {
  std::vector<TrainProgress> rounds;
  TrainOptions options;
  options.on_progress = [&](const TrainProgress& p) { rounds.push_back(p); };
  const auto trained = TrainStarterModel(BuiltinTrack("pitwall_park").value(), options);
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  ASSERT_EQ(rounds.size(), 9u);  // the demonstration round and 8 DAgger rounds
  EXPECT_GT(rounds.back().samples, rounds.front().samples) << "DAgger aggregates the student's states";
  EXPECT_EQ(DriveWithOnnxRuntime(trained.value(), "pitwall_park").clean_streak, 3);
  EXPECT_EQ(DriveWithOnnxRuntime(trained.value(), "quarry_sprint").clean_streak, 3) << "unseen track";
}

TEST(StarterModels, TrackRaysModelLapsItsTrackAndAnUnseenOne) {
  TrainOptions options;
  options.sensor = SensorKind::kTrackRays;
  const auto trained = TrainStarterModel(BuiltinTrack("harbour_hairpin").value(), options);
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  EXPECT_EQ(trained.value().metadata.inputs()[0].name, "track_rays");
  EXPECT_EQ(DriveWithOnnxRuntime(trained.value(), "harbour_hairpin").clean_streak, 3);
  EXPECT_EQ(DriveWithOnnxRuntime(trained.value(), "pitwall_park").clean_streak, 3) << "unseen track";
}

TEST(StarterModels, LapTimeFallsAsPaceRises) {
  int64_t previous = INT64_MAX;
  for (double pace : {0.6, 0.8, 1.0}) {
    TrainOptions options;
    options.pace = pace;
    options.iterations = 4;
    const auto trained = TrainStarterModel(BuiltinTrack("harbour_hairpin").value(), options);
    ASSERT_TRUE(trained.ok());
    const Drive d = DriveWithOnnxRuntime(trained.value(), "harbour_hairpin");
    ASSERT_EQ(d.clean_streak, 3) << "pace " << pace;
    EXPECT_LT(d.best_lap_ms, previous) << "pace " << pace;
    previous = d.best_lap_ms;
  }
}

TEST(StarterModels, RefusesOpenSegmentsAndSillyPace) {
  TrainOptions options;
  options.pace = 1.5;
  EXPECT_EQ(TrainStarterModel(BuiltinTrack("pitwall_park").value(), options).error().message, "pace must be between 0.3 and 1.0");
}

}  // namespace
}  // namespace pw::models
