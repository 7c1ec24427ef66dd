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
  std::string end;       // how the trial ended (ToString(LapStatus)), and where
};

// Writes the trained model as ONNX, reloads it through the gate and runs it
// with native ONNX Runtime: what the server will do with it.
Drive DriveWithOnnxRuntime(const TrainedModel& trained, const std::string& track_id, RaceRules rules = DefaultRaceRules()) {
  const std::string bytes = WriteMlpModel(trained.layers, trained.metadata);
  const ModelReport report = InspectModel(bytes);
  EXPECT_TRUE(report.accepted());
  OrtPolicy policy(OrtModel::Load(bytes, *report.metadata).value());
  const Track track = BuiltinTrack(track_id).value();
  rules.reset_on_off_track = false;  // one mistake ends it
  TrialConfig config;
  config.sensors = trained.metadata.sensor_config();
  const TrialResult r = RunTrial(track, rules, policy, config);
  const Score s = ScoreLaps(r.laps, rules);
  char end[96];
  std::snprintf(end, sizeof end, "%s in lap %zu at %.1f %%", ToString(r.end), r.laps.size(), r.laps.empty() ? 0.0 : r.laps.back().progress_pct);
  return {s.longest_streak, s.best_lap_ms, end};
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

// The race types' starters (as the build trains them: server/CMakeLists.txt), examined among
// courses they never met (other seeds) on tracks they never saw, with no resets to help them:
// 10 courses each, 3 clean laps in each.
TEST(StarterModels, RaceTypeModelsDriveRoundBoxesAndBotsOnUnseenTracks) {
  struct Starter {
    RaceType type;
    const char* trained_on;
    std::vector<const char*> unseen;
  };
  for (const Starter& starter : {Starter{RaceType::kObjectAvoidance, "harbour_hairpin", {"pitwall_park", "quarry_sprint"}},
                                 Starter{RaceType::kHeadToBot, "harbour_hairpin", {"pitwall_park", "quarry_sprint"}}}) {
    SCOPED_TRACE(ToString(starter.type));
    TrainOptions options;
    options.sensors = {SensorKind::kState, SensorKind::kTrackRays, SensorKind::kLidar};
    options.race_type = starter.type;
    options.pace = 0.5;
    const auto trained = TrainStarterModel(BuiltinTrack(starter.trained_on).value(), options);
    ASSERT_TRUE(trained.ok()) << trained.error().message;
    EXPECT_EQ(trained.value().metadata.inputs()[1].name, "track_rays");
    EXPECT_EQ(trained.value().metadata.inputs()[2].name, "lidar");
    // Kept for driving round the exam's 4 courses on its own track, clean (3 laps each).
    EXPECT_EQ(trained.value().best.exam_courses, 4);
    EXPECT_EQ(trained.value().best.student_laps, 12);
    for (const char* track : starter.unseen) {
      for (uint32_t seed : {11u, 12u, 13u, 14u, 15u}) {
        RaceRules rules = DefaultRaceRules();
        rules.race_type = starter.type;
        rules.course_seed = seed;
        if (starter.type == RaceType::kHeadToBot)
          for (uint32_t i = 0; i < 3; ++i) rules.bots.push_back({1.0, ((seed >> i) & 1u) != 0 ? Lane::kLeft : Lane::kRight, false, 5.0});
        const Drive d = DriveWithOnnxRuntime(trained.value(), track, rules);
        std::printf("[ starter  ] %s (trained on %s) on %s, course %u: %d clean laps, best %.3f s, %s\n", ToString(starter.type),
                    starter.trained_on, track, seed, d.clean_streak, d.best_lap_ms / 1000.0, d.end.c_str());
        EXPECT_EQ(d.clean_streak, 3) << track << " course " << seed;
      }
    }
  }
  TrainOptions blind;
  blind.race_type = RaceType::kHeadToBot;
  EXPECT_EQ(TrainStarterModel(BuiltinTrack("pitwall_park").value(), blind).error().message,
            "HEAD_TO_BOT models need LIDAR or SECTOR_LIDAR among their sensors to see what is on the track");
}

TEST(StarterModels, RefusesOpenSegmentsAndSillyPace) {
  TrainOptions options;
  options.pace = 1.5;
  EXPECT_EQ(TrainStarterModel(BuiltinTrack("pitwall_park").value(), options).error().message, "pace must be between 0.3 and 1.0");
}

}  // namespace
}  // namespace pw::models

