// One evaluation of a model on a race: ONNX Runtime loads it, the core runs
// the race's trial with it. The same function runs inside a sandboxed worker
// process (server/sandbox) and, when asked, in the calling process.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "pitwall/model_metadata.h"
#include "pitwall/result.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"
#include "pitwall/trial.h"

namespace pw::models {

/// Progress as the trial goes: every 5 % of the whole evaluation.
struct EvaluationProgress {
  int lap = 0;
  double lap_pct = 0.0;
  double total_pct = 0.0;
};
using ProgressFn = std::function<void(const EvaluationProgress&)>;

struct Evaluation {
  TrialResult result;
  double mean_inference_us = 0.0;
  int64_t load_ms = 0;
};

/// Loads the model (an Error when ONNX Runtime cannot) and runs the trial; a
/// model failure during the trial is the result's kModelError end, not an Error.
/// `loaded` is called once the model is ready, before the first step.
Result<Evaluation> EvaluateModel(const Track& track, const RaceRules& rules, std::string_view model_bytes, const ModelMetadata& metadata,
                                 int64_t step_budget_us, const ProgressFn& progress = {}, const std::function<void()>& loaded = {});

}  // namespace pw::models
