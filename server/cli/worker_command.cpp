// pitwall worker: one sandboxed evaluation, for the server or `pitwall trial`
// that starts it (docs/WORKER_PROTOCOL.md). Not meant to be run by hand.
#include "commands.h"
#include "worker.h"

namespace pw::cli {

Run AddWorkerCommand(CLI::App& app) {
  auto limits = std::make_shared<sandbox::SandboxLimits>();
  auto no_seccomp = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("worker", "Evaluate one model in a sandbox (started by serve and trial; frames on stdin/stdout)");
  auto memory_mb = std::make_shared<int64_t>(limits->memory_bytes >> 20);
  cmd->add_option("--memory-mb", *memory_mb, "address space, MiB")->check(CLI::Range(64, 1 << 20));
  cmd->add_option("--cpu-seconds", limits->cpu_seconds, "processor time")->check(CLI::Range(1, 86400));
  cmd->add_flag("--no-seccomp", *no_seccomp, "no system-call filter (diagnosis only)");
  return [limits, no_seccomp, memory_mb] {
    limits->seccomp = !*no_seccomp;
    limits->memory_bytes = *memory_mb << 20;
    return sandbox::RunWorker(*limits);
  };
}

}  // namespace pw::cli
