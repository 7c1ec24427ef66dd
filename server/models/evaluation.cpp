#include "evaluation.h"

#include <chrono>
#include <cmath>

#include "ort_policy.h"

namespace pw::models {

Result<Evaluation> EvaluateModel(const Track& track, const RaceRules& rules, std::string_view model_bytes, const ModelMetadata& metadata,
                                 int64_t step_budget_us, const ProgressFn& progress, const std::function<void()>& loaded) {
  const auto start = std::chrono::steady_clock::now();
  auto model = OrtModel::Load(model_bytes, metadata);
  if (!model) return model.error();
  Evaluation out;
  out.load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (loaded) loaded();
  OrtPolicy policy(model.value(), step_budget_us);
  TrialConfig config;
  config.sensors = metadata.sensor_config();
  int last_reported = -1;
  out.result = RunTrial(track, rules, policy, config, [&](const Trial& trial) {
    if (!progress || trial.finished()) return;
    const int laps_done = static_cast<int>(trial.result().laps.size());
    const double total = (laps_done + trial.lap_progress_pct() / 100.0) / rules.laps * 100.0;
    if (static_cast<int>(total / 5.0) == last_reported) return;
    last_reported = static_cast<int>(total / 5.0);
    progress({trial.current_lap(), trial.lap_progress_pct(), total});
  });
  out.mean_inference_us = policy.mean_inference_us();
  return out;
}

}  // namespace pw::models
