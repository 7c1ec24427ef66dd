// The server's side of the sandbox: a slot that hands one evaluation at a
// time to a `pitwall worker` process. The worker keeps ONNX Runtime warm and
// forks a fresh, sandboxed evaluation process per job ahead of time, so a
// job starts at once. The slot enforces the wall-clock limits and turns
// however the evaluation process ended into an outcome. Its result is not
// trusted: the trace is replayed here and must give the laps it reports.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "evaluation.h"
#include "pitwall/model_metadata.h"
#include "sandbox.h"
#include "worker_protocol.h"

namespace pw::sandbox {

struct WorkerOptions {
  std::string binary;        ///< the pitwall executable ("": this process's own)
  SandboxLimits limits;
  int load_timeout_ms = 10'000;         ///< from the job handed over to the model loaded
  int evaluation_timeout_ms = 120'000;  ///< the whole evaluation, load included
  int start_timeout_ms = 10'000;        ///< a new worker's warm-up
};

struct SandboxJob {
  const Track* track = nullptr;  ///< replays the result
  RaceRules rules;
  std::string model_bytes;
  std::string metadata_json;
  int64_t step_budget_us = 0;
};

struct SandboxOutcome {
  enum class Kind {
    kEvaluated,  ///< the trial ran (it may have ended with a model error)
    kRefused,    ///< the model failed the evaluation: `reason` says how, in words for the racer
    kLost,       ///< the evaluation could not finish for reasons of the server's own: try again
  };
  Kind kind = Kind::kLost;
  std::string reason;
  models::Evaluation evaluation;  ///< kEvaluated: laps, trace and fingerprint from the server's own replay
};

class WorkerSlot {
 public:
  explicit WorkerSlot(WorkerOptions options);
  ~WorkerSlot();
  WorkerSlot(const WorkerSlot&) = delete;
  WorkerSlot& operator=(const WorkerSlot&) = delete;

  SandboxOutcome Evaluate(const SandboxJob& job, const models::ProgressFn& progress = {});

 private:
  struct Process {
    pid_t pid = 0;
    int to = -1;    ///< its stdin
    int from = -1;  ///< its stdout
    std::shared_ptr<FrameReader> reader;
  };
  std::optional<Process> Spawn(std::string& error);
  void StopWorker();
  /// The pid of the next evaluation process that is ready and alive; 0 with
  /// `error` when there is none (`gone`: the worker itself has died).
  pid_t AwaitReady(std::string& error, bool& gone);
  WorkerOptions options_;
  std::optional<Process> worker_;
};

}  // namespace pw::sandbox
