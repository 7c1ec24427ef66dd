#include "supervisor.h"

#include <fcntl.h>
#include <poll.h>
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

// How an evaluation process that gave no result ended (the worker's "ended"
// frame), in words for the racer (or the operator).
SandboxOutcome Ended(const json& ended, const SandboxLimits& limits) {
  if (ended.contains("exit_code")) {
    const int code = ended.value("exit_code", 0);
    if (code == kExitOutOfMemory) return Refused("the model needed more than " + std::to_string(limits.memory_bytes >> 20) + " MiB of memory");
    return Lost("the evaluation process exited with code " + std::to_string(code));
  }
  const int sig = ended.value("signal", 0);
  const char* name = sig > 0 ? sigabbrev_np(sig) : nullptr;
  switch (sig) {
    case SIGXCPU: return Refused("the model used more than " + std::to_string(limits.cpu_seconds) + " s of processor time");
    case SIGSYS: return Refused("the evaluation was stopped by the sandbox: the evaluator made a system call it may not make");
    case SIGSEGV: case SIGBUS: case SIGABRT: case SIGILL: case SIGFPE: case SIGTRAP:
      return Refused(std::string("the evaluator crashed while running the model (") + name + ")");
    default: return Lost(std::string("the evaluation process was killed (SIG") + (name ? name : "?") + ")");
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
  ReplayCheck check = VerifyReplay(*job.track, job.rules, trace.value().steps, laps.value(), ReplayConfig(trace.value()));
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
  worker_ = Spawn(ignored);
}

WorkerSlot::~WorkerSlot() { StopWorker(); }

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
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // none of the server's descriptors
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
  fcntl(to[1], F_SETFL, fcntl(to[1], F_GETFL) | O_NONBLOCK);  // a job's write never blocks on a dead reader
  Process p;
  p.pid = pid;
  p.to = to[1];
  p.from = from[0];
  p.reader = std::make_shared<FrameReader>(from[0]);
  return p;
}

void WorkerSlot::StopWorker() {
  if (!worker_) return;
  close(worker_->to);
  close(worker_->from);
  kill(worker_->pid, SIGKILL);  // its evaluation processes follow it (PR_SET_PDEATHSIG)
  while (waitpid(worker_->pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  worker_.reset();
}

pid_t WorkerSlot::AwaitReady(std::string& error, bool& gone) {
  FrameReader& reader = *worker_->reader;
  const int64_t deadline = MonotonicMs() + options_.start_timeout_ms;
  auto fail = [&](const std::string& why, bool closed) {
    error = "the evaluation worker did not start: " + why;
    gone = closed;
    return pid_t{0};
  };
  for (;;) {
    Result<Frame> f = reader.Next(deadline);
    if (!f) return fail(f.error().message, f.error().message == "closed");
    const std::string type = f.value().type();
    if (type == "failed" && f.value().header.value("kind", "") == "sandbox")
      return fail("the sandbox cannot be entered on this machine: " + f.value().header.value("reason", std::string("?")), false);
    if (type == "ended" && f.value().header.value("exit_code", 0) == kExitNoSandbox)
      return fail("the sandbox cannot be entered on this machine", false);
    if (type == "ended") continue;  // an idle one died; the worker forks another
    if (type != "ready") return fail("it said \"" + type + "\" before it was ready", false);
    const pid_t pid = f.value().header.value("pid", 0);
    if (pid <= 0) return fail("its ready frame has no pid", false);
    // A "ready" may be stale: its process (or the whole worker) may have died
    // while idle, and said so right behind it.
    Result<Frame> behind = reader.Next(MonotonicMs() + 1);
    if (!behind && behind.error().message == "timeout") return pid;
    if (!behind) return fail(behind.error().message, behind.error().message == "closed");
    if (behind.value().type() != "ended") return fail("it said \"" + behind.value().type() + "\" before its job", false);
  }
}

SandboxOutcome WorkerSlot::Evaluate(const SandboxJob& job, const models::ProgressFn& progress) {
  auto lost_worker = [&](const std::string& why) {
    StopWorker();
    return Lost(why);
  };
  // The next evaluation process, sandboxed and waiting. A worker found dead
  // before the job is handed over (killed while idle) is replaced once: that
  // costs the submission no attempt.
  pid_t child = 0;
  for (int tries = 0; child == 0; ++tries) {
    std::string error;
    if (!worker_) worker_ = Spawn(error);
    if (!worker_) return Lost("the evaluation worker could not start: " + error);
    bool gone = false;
    child = AwaitReady(error, gone);
    if (child == 0 && (!gone || tries > 0)) return lost_worker(error);
    if (child == 0) StopWorker();
  }
  FrameReader& reader = *worker_->reader;
  const int64_t start = MonotonicMs();
  const int64_t load_deadline = start + options_.load_timeout_ms, deadline = start + options_.evaluation_timeout_ms;
  // How the child ended, from the worker (which reaps it); kills it first when asked.
  auto ended = [&](bool kill_first) -> std::optional<json> {
    if (kill_first) kill(child, SIGKILL);
    const int64_t until = MonotonicMs() + 5000;
    for (;;) {
      Result<Frame> f = reader.Next(until);
      if (!f) return std::nullopt;
      if (f.value().type() == "ended" && f.value().header.value("pid", 0) == child) return f.value().header;
    }
  };
  const json header = {{"type", "job"},
                       {"protocol", kProtocolVersion},
                       {"track", WritePitwallTrack(*job.track)},
                       {"rules", RulesToJson(job.rules)},
                       {"metadata", job.metadata_json},
                       {"step_budget_us", job.step_budget_us}};
  // The evaluation process shares the worker's stdin with those before and
  // after it: the stream stays aligned only if each one reads exactly its job.
  // One that ends before it has read all of it (it says "loaded" once it has)
  // leaves bytes behind, so the worker is replaced after it.
  bool loaded = false;
  auto finish = [&](SandboxOutcome outcome) {
    if (!loaded) StopWorker();
    return outcome;
  };
  const std::string frame_bytes = EncodeFrame(header, job.model_bytes);
  size_t written = 0;
  while (written < frame_bytes.size()) {
    const ssize_t n = write(worker_->to, frame_bytes.data() + written, frame_bytes.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return finish(Lost("the evaluation worker went away"));
    pollfd p[2] = {{worker_->to, POLLOUT, 0}, {worker_->from, POLLIN, 0}};
    const int64_t left = load_deadline - MonotonicMs();
    if (left <= 0 || poll(p, 2, static_cast<int>(left)) == 0) {
      kill(child, SIGKILL);
      return finish(Refused("the model took longer than " + Seconds(options_.load_timeout_ms) + " to load"));
    }
    if (p[1].revents != 0) {
      // The evaluation process spoke (or died) before taking its whole job.
      const auto how = ended(true);
      return finish(how ? Ended(*how, options_.limits) : Lost("the evaluation worker went away"));
    }
  }
  for (;;) {
    Result<Frame> f = reader.Next(loaded ? deadline : std::min(load_deadline, deadline));
    if (!f) {
      const std::string& why = f.error().message;
      if (why == "timeout") {
        if (!ended(true)) StopWorker();
        // Which deadline passed: loading's, or the whole evaluation's (which may come first).
        return finish(Refused(!loaded && MonotonicMs() >= load_deadline && load_deadline <= deadline
                                  ? "the model took longer than " + Seconds(options_.load_timeout_ms) + " to load"
                                  : "the evaluation took longer than " + Seconds(options_.evaluation_timeout_ms)));
      }
      if (why == "closed") return lost_worker("the evaluation worker exited");
      kill(child, SIGKILL);
      StopWorker();  // the stream cannot be trusted past a broken frame
      return Refused("the evaluator broke the worker protocol: " + why);
    }
    const Frame& frame = f.value();
    const std::string type = frame.type();
    if (type == "loaded") {
      loaded = true;
    } else if (type == "progress") {
      if (progress) progress({frame.header.value("lap", 0), frame.header.value("lap_pct", 0.0), frame.header.value("total_pct", 0.0)});
    } else if (type == "ended" && frame.header.value("pid", 0) == child) {
      return finish(Ended(frame.header, options_.limits));
    } else if (type == "failed") {
      loaded = true;  // it read its whole job before it could refuse it
      const std::string reason = frame.header.value("reason", std::string("the evaluation failed"));
      return frame.header.value("kind", "") == "model" ? Refused(reason) : Lost("the worker refused the job: " + reason);
    } else if (type == "result") {
      return FromResult(frame, job);
    } else {
      kill(child, SIGKILL);
      StopWorker();
      return Refused("the evaluator broke the worker protocol: a frame of type \"" + type + "\"");
    }
  }
}

}  // namespace pw::sandbox
