// The server's side of the sandbox: a slot that hands one evaluation at a
// time to a fresh `pitwall worker` process (one is started ahead, warmed up
// and waiting, so the start costs nothing at submission time), enforces the
// wall-clock limits, and turns however the worker ended into an outcome.
// The worker's result is not trusted: its trace is replayed here and must
// give the laps it reports.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "evaluation.h"
#include "pitwall/model_metadata.h"
#include "sandbox.h"

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
  /// The worker process running (or waiting for) the next job; 0 when none.
  pid_t worker_pid() const { return spare_ ? spare_->pid : 0; }

 private:
  struct Process {
    pid_t pid = 0;
    int to = -1;    ///< its stdin
    int from = -1;  ///< its stdout
  };
  std::optional<Process> Spawn(std::string& error);
  void Reap(Process& p, bool kill_first, int& status);
  WorkerOptions options_;
  std::optional<Process> spare_;
};

}  // namespace pw::sandbox
