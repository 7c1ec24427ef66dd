// Starter models: a small MLP taught to drive by imitating the built-in
// expert with DAgger (the student drives; the expert labels every state the
// student visits, so the student learns to recover from its own mistakes).
// Eigen does the linear algebra; onnx_writer turns the result into a model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "onnx_writer.h"
#include "pitwall/model_metadata.h"
#include "pitwall/result.h"
#include "pitwall/track.h"

namespace pw::models {

struct TrainProgress {
  int iteration = 0;        ///< 0 = the expert's own laps
  int iterations = 0;
  size_t samples = 0;       ///< aggregated (observation, expert action) pairs
  double loss = 0.0;        ///< mean squared error on the normalised actions
  int exam_courses = 1;     ///< courses the student was examined on (boxes and bots: 4; time trials: 1)
  int student_laps = 0;     ///< consecutive clean laps (no resets) after this round, summed over the exam's courses (3 each)
  int64_t student_best_lap_ms = 0;
  int resets_when_knocked = 0;  ///< resets in 3 laps with its steering knocked off now and then
};

struct TrainOptions {
  SensorKind sensor = SensorKind::kState;
  /// Every input, in order (one tensor each); empty: just `sensor`.
  std::vector<SensorKind> sensors;
  /// What the student learns to race among. OBJECT_AVOIDANCE and HEAD_TO_BOT put 3 boxes or 3 bots
  /// on a fresh course every rollout, need LIDAR or SECTOR_LIDAR among the sensors, and teach from
  /// an expert that sees no further than the LIDAR (1 m) and so drives at pace 0.5 at most.
  RaceType race_type = RaceType::kTimeTrial;
  double pace = 1.0;        ///< the expert's pace (0.6..1): lower teaches slower, safer driving
  int iterations = 8;       ///< DAgger rounds after the expert's demonstration
  int hidden = 64;          ///< units in each of the two hidden layers
  int epochs = 25;          ///< passes over the aggregate after each round
  uint32_t seed = 1;
  std::function<void(const TrainProgress&)> on_progress;
};

struct TrainedModel {
  std::vector<DenseLayer> layers;  ///< input normalisation folded into the first layer
  ModelMetadata metadata;
  TrainProgress best;              ///< the round whose student was kept
};

Result<TrainedModel> TrainStarterModel(const Track& track, const TrainOptions& options);

/// A policy that runs trained layers directly (what the ONNX file computes).
class DenseNetPolicy : public Policy {
 public:
  DenseNetPolicy(std::vector<DenseLayer> layers, ModelMetadata metadata);
  Decision Decide(const Observation& obs) override;

 private:
  std::vector<DenseLayer> layers_;
  ModelMetadata metadata_;
  std::vector<float> a_, b_;
};

}  // namespace pw::models
