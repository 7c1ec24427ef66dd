// The authoritative driver: a model run by native ONNX Runtime (CPU, one
// intra-op thread, sequential execution), behind the core's Policy interface.
// Any failure - an ORT error, NaN or infinity, the wrong output size, a step
// over the time budget - becomes a model error that ends the trial.
// The step budget is enforced while inference runs: a watchdog thread sets
// ONNX Runtime's terminate flag when a step passes its deadline (ORT checks it
// between operators), and a step that still returns late is refused after.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pitwall/model_metadata.h"
#include "pitwall/result.h"

namespace pw::models {

inline constexpr int64_t kDefaultStepBudgetUs = 100'000;  // 100 ms per inference

class OrtModel {
 public:
  /// Creates a session from model bytes that passed the gate.
  static Result<std::shared_ptr<OrtModel>> Load(std::string_view bytes, const ModelMetadata& metadata);
  ~OrtModel();
  const ModelMetadata& metadata() const { return metadata_; }
  /// One inference on an observation's sensor values; the raw outputs go into
  /// `out`. Stopped by the watchdog after `budget_us` (0: no budget).
  std::string Run(const Observation& obs, std::vector<float>& out, int64_t budget_us = 0);

 private:
  OrtModel() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ModelMetadata metadata_;
};

/// Creates ONNX Runtime's environment and runs one tiny model through it, so
/// nothing is loaded lazily later (a sandbox entered afterwards allows no new
/// files). Starts no thread: a process may fork after it.
void WarmUp();
/// Starts the step watchdog's thread (otherwise started by the first step
/// with a budget): before a sandbox that allows no new threads.
void StartWatchdog();

class OrtPolicy : public Policy {
 public:
  explicit OrtPolicy(std::shared_ptr<OrtModel> model, int64_t step_budget_us = kDefaultStepBudgetUs)
      : model_(std::move(model)), budget_us_(step_budget_us) {}
  Decision Decide(const Observation& obs) override;
  /// Mean wall time of an inference so far, in microseconds.
  double mean_inference_us() const { return runs_ ? total_us_ / runs_ : 0.0; }

 private:
  std::shared_ptr<OrtModel> model_;
  int64_t budget_us_;
  std::vector<float> out_;
  double total_us_ = 0.0;
  int64_t runs_ = 0;
};

}  // namespace pw::models
