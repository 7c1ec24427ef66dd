#include "supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <vector>

#include "pitwall/json_codec.h"
#include "pitwall/replay.h"
#include "pitwall/track_io.h"
#include "worker_protocol.h"

extern char** environ;

namespace pw::sandbox {
namespace {

using nlohmann::json;

std::string OwnBinary() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string("pitwall");
}

std::string Seconds(int ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

SandboxOutcome Refused(std::string reason) { return {SandboxOutcome::Kind::kRefused, std::move(reason), {}}; }
SandboxOutcome Lost(std::string reason) { return {SandboxOutcome::Kind::kLost, std::move(reason), {}}; }

// How a worker that gave no result ended, in words for the racer (or the operator).
SandboxOutcome Ended(int status, const SandboxLimits& limits) {
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == kExitOutOfMemory)
      return Refused("the model needed more than " + std::to_string(limits.memory_bytes >> 20) + " MiB of memory");
    return Lost("the evaluation worker exited with code " + std::to_string(WEXITSTATUS(status)));
  }
  if (!WIFSIGNALED(status)) return Lost("the evaluation worker ended unexpectedly");
  const int sig = WTERMSIG(status);
  switch (sig) {
    case SIGXCPU: return Refused("the model used more than " + std::to_string(limits.cpu_seconds) + " s of processor time");
    case SIGSYS: return Refused("the evaluation was stopped by the sandbox: the evaluator made a system call it may not make");
    case SIGSEGV: case SIGBUS: case SIGABRT: case SIGILL: case SIGFPE: case SIGTRAP:
      return Refused(std::string("the evaluator crashed while running the model (") + sigabbrev_np(sig) + ")");
    default: return Lost(std::string("the evaluation worker was killed (SIG") + sigabbrev_np(sig) + ")");
  }
}

// The worker's result, trusted no further than its trace: the server replays
// the trace on the race's track and rules, and the replay's laps must be the
// laps the worker reports. The outcome carries the replay's own result.
SandboxOutcome FromResult(const Frame& frame, const SandboxJob& job) {
  const json& h = frame.header;
  auto laps = LapsFromJson(h.value("laps", json()));
  if (!laps) return Refused("the evaluator's result is malformed: " + laps.error().message);
  auto trace = DecodeTrace(frame.payload);
  if (!trace) return Refused("the evaluator's trace is malformed: " + trace.error().message);
  ReplayCheck check = VerifyReplay(*job.track, job.rules, trace.value().steps, laps.value());
  if (!check.matches) return Refused("the evaluator's result does not replay: " + check.difference);
  SandboxOutcome out;
  out.kind = SandboxOutcome::Kind::kEvaluated;
  out.evaluation.result = std::move(check.result);
  if (out.evaluation.result.end == LapStatus::kModelError) {
    const json error = h.value("error", json());
    out.evaluation.result.error = error.is_string() && !error.get<std::string>().empty() ? error.get<std::string>() : "the model failed";
  }
  out.evaluation.load_ms = h.value("load_ms", int64_t{0});
  out.evaluation.mean_inference_us = h.value("mean_inference_us", 0.0);
  return out;
}

}  // namespace

WorkerSlot::WorkerSlot(WorkerOptions options) : options_(std::move(options)) {
  if (options_.binary.empty()) options_.binary = OwnBinary();
  signal(SIGPIPE, SIG_IGN);  // a worker that dies while we write is an error code, not our death
  std::string ignored;
  spare_ = Spawn(ignored);
}

WorkerSlot::~WorkerSlot() {
  if (spare_) {
    int status = 0;
    Reap(*spare_, true, status);
  }
}

std::optional<WorkerSlot::Process> WorkerSlot::Spawn(std::string& error) {
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) != 0) return error = std::string("pipe: ") + std::strerror(errno), std::nullopt;
  if (pipe2(from, O_CLOEXEC) != 0) {
    close(to[0]);
    close(to[1]);
    return error = std::string("pipe: ") + std::strerror(errno), std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from[1], 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> args = {options_.binary, "worker", "--memory-mb", std::to_string(options_.limits.memory_bytes >> 20),
                                   "--cpu-seconds", std::to_string(options_.limits.cpu_seconds)};
  if (!options_.limits.seccomp) args.push_back("--no-seccomp");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, options_.binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(to[0]);
  close(from[1]);
  if (rc != 0) {
    close(to[1]);
    close(from[0]);
    error = "cannot start " + options_.binary + ": " + std::strerror(rc);
    return std::nullopt;
  }
  return Process{pid, to[1], from[0]};
}

void WorkerSlot::Reap(Process& p, bool kill_first, int& status) {
  if (p.to >= 0) close(p.to);
  if (p.from >= 0) close(p.from);
  p.to = p.from = -1;
  if (kill_first) kill(p.pid, SIGKILL);
  // A worker that answered exits at once; one that does not is ended.
  for (int waited_ms = 0;; waited_ms += 5) {
    const pid_t r = waitpid(p.pid, &status, WNOHANG);
    if (r == p.pid || (r < 0 && errno != EINTR)) break;
    if (waited_ms == 2000) kill(p.pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

SandboxOutcome WorkerSlot::Evaluate(const SandboxJob& job, const models::ProgressFn& progress) {
  std::string error;
  if (!spare_) spare_ = Spawn(error);
  if (!spare_) return Lost("the evaluation worker could not start: " + error);
  Process p = *spare_;
  spare_.reset();
  SandboxOutcome outcome = [&] {
    FrameReader reader(p.from);
    int status = 0;
    Result<Frame> ready = reader.Next(MonotonicMs() + options_.start_timeout_ms);
    if (!ready || ready.value().type() != "ready") {
      Reap(p, true, status);
      const SandboxOutcome ended = Ended(status, options_.limits);
      return Lost("the evaluation worker did not start: " + (ready ? "it said " + ready.value().type() : ready.error().message) +
                  "; " + ended.reason);
    }
    const int64_t start = MonotonicMs();
    const int64_t load_deadline = start + options_.load_timeout_ms, deadline = start + options_.evaluation_timeout_ms;
    const json header = {{"type", "job"},
                         {"protocol", kProtocolVersion},
                         {"track", WritePitwallTrack(*job.track)},
                         {"rules", RulesToJson(job.rules)},
                         {"metadata", job.metadata_json},
                         {"step_budget_us", job.step_budget_us}};
    if (!WriteFrame(p.to, header, job.model_bytes)) {
      Reap(p, true, status);
      return Ended(status, options_.limits);
    }
    bool loaded = false;
    for (;;) {
      Result<Frame> f = reader.Next(loaded ? deadline : std::min(load_deadline, deadline));
      if (!f) {
        const std::string& why = f.error().message;
        Reap(p, why != "closed", status);
        if (why == "timeout")
          return Refused(loaded ? "the evaluation took longer than " + Seconds(options_.evaluation_timeout_ms)
                                : "the model took longer than " + Seconds(options_.load_timeout_ms) + " to load");
        if (why == "closed") return Ended(status, options_.limits);
        return Refused("the evaluator broke the worker protocol: " + why);
      }
      const Frame& frame = f.value();
      const std::string type = frame.type();
      if (type == "loaded") {
        loaded = true;
      } else if (type == "progress") {
        if (progress)
          progress({frame.header.value("lap", 0), frame.header.value("lap_pct", 0.0), frame.header.value("total_pct", 0.0)});
      } else if (type == "failed") {
        Reap(p, false, status);
        const std::string reason = frame.header.value("reason", std::string("the evaluation failed"));
        return frame.header.value("kind", "") == "model" ? Refused(reason) : Lost("the worker refused the job: " + reason);
      } else if (type == "result") {
        Reap(p, false, status);
        return FromResult(frame, job);
      } else {
        Reap(p, true, status);
        return Refused("the evaluator broke the worker protocol: a frame of type \"" + type + "\"");
      }
    }
  }();
  // The next worker warms up while the caller stores this result.
  spare_ = Spawn(error);
  return outcome;
}

}  // namespace pw::sandbox
