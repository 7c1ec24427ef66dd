// pitwall worker: without --database, one sandboxed evaluation for the server or
// `pitwall trial` that starts it (docs/WORKER_PROTOCOL.md; not meant to be run by
// hand). With --database, an evaluation worker of a shared league: it takes
// submissions from the PostgreSQL queue and runs each in such a sandboxed process
// (docs/DEPLOY.md).
#include "commands.h"
#include "server.h"
#include "worker.h"

namespace pw::cli {

Run AddWorkerCommand(CLI::App& app) {
  auto limits = std::make_shared<sandbox::SandboxLimits>();
  auto no_seccomp = std::make_shared<bool>(false);
  auto queue = std::make_shared<server::ServerConfig>();
  CLI::App* cmd = app.add_subcommand("worker",
                                     "Evaluate a shared league's queue (--database), or one model in a sandbox (started by serve and trial)");
  auto memory_mb = std::make_shared<int64_t>(limits->memory_bytes >> 20);
  cmd->add_option("--memory-mb", *memory_mb, "address space of an evaluation, MiB")->check(CLI::Range(64, 1 << 20));
  cmd->add_option("--cpu-seconds", limits->cpu_seconds, "processor time of an evaluation")->check(CLI::Range(1, 86400));
  cmd->add_flag("--no-seccomp", *no_seccomp, "no system-call filter (diagnosis only)");
  cmd->add_option("--database", queue->database, "the league's database: postgresql://user@host:port/dbname (its queue is evaluated)");
  cmd->add_option("--data", queue->data_dir, "the folder with the league's models/ (shared with its servers)");
  cmd->add_option("--workers", queue->workers, "evaluations at once (default: the number of cores)")->check(CLI::Range(0, 64));
  auto step_budget_ms = std::make_shared<int64_t>(queue->step_budget_us / 1000);
  cmd->add_option("--step-budget-ms", *step_budget_ms, "per-step inference budget in ms")->check(CLI::Range(1, 10000));
  auto lease_s = std::make_shared<int>(queue->lease_ms / 1000);
  cmd->add_option("--lease-seconds", *lease_s, "an evaluation's lease (as serve's)")->check(CLI::Range(2, 3600));
  return [limits, no_seccomp, memory_mb, queue, step_budget_ms, lease_s] {
    if (!queue->database.empty()) {
      queue->seed_demo = false;
      queue->lease_ms = *lease_s * 1000;
      queue->step_budget_us = *step_budget_ms * 1000;
      queue->worker_memory_bytes = *memory_mb << 20;
      queue->worker_cpu_seconds = limits->cpu_seconds;
      return server::RunQueueWorker(*queue);
    }
    limits->seccomp = !*no_seccomp;
    limits->memory_bytes = *memory_mb << 20;
    return sandbox::RunWorker(*limits);
  };
}

}  // namespace pw::cli
