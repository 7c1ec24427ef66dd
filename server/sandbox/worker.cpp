#include "worker.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "evaluation.h"
#include "ort_policy.h"
#include "pitwall/json_codec.h"
#include "pitwall/model_metadata.h"
#include "pitwall/replay.h"
#include "pitwall/track_io.h"
#include "worker_protocol.h"

namespace pw::sandbox {
namespace {

using nlohmann::json;

// ONNX Runtime reports an allocation refused under RLIMIT_AS as an error of its own.
std::string Explained(const std::string& error, const SandboxLimits& limits) {
  if (error.find("alloc") == std::string::npos) return error;
  return "the model needed more than " + std::to_string(limits.memory_bytes >> 20) + " MiB of memory (" + error + ")";
}

int Refuse(const std::string& reason, const std::string& kind = "job") {
  WriteFrame(1, {{"type", "failed"}, {"kind", kind}, {"reason", reason}});
  return 0;
}

}  // namespace

namespace {

// One evaluation, in a child of the worker: sandboxed before it reads the job.
// `sandboxed_fd` gets one byte once the sandbox is entered (the worker's
// sign that this process got that far).
int RunJob(const SandboxLimits& limits, int sandboxed_fd) {
  models::StartWatchdog();
  if (auto entered = EnterSandbox(limits); !entered) {
    // Its worker died while this process was being made (killed while idle): nothing to report, and
    // "the sandbox cannot be entered" would be wrong. The server sees the worker's pipe close.
    if (getppid() == 1) return 0;
    // Said on the protocol: stderr may be a file this process can no longer write.
    WriteFrame(1, {{"type", "failed"}, {"kind", "sandbox"}, {"reason", entered.error().message}});
    return kExitNoSandbox;
  }
  if (write(sandboxed_fd, "s", 1) != 1) return 2;
  close(sandboxed_fd);
  if (!WriteFrame(1, {{"type", "ready"}, {"protocol", kProtocolVersion}, {"pid", getpid()}})) return 2;

  FrameReader reader(0);
  Result<Frame> job = reader.Next(-1);
  if (!job) return 0;  // the server went away before handing a job
  const Frame& f = job.value();
  if (f.type() != "job" || f.header.value("protocol", 0) != kProtocolVersion)
    return Refuse("expected a job frame of protocol " + std::to_string(kProtocolVersion));
  if (!f.header.contains("track") || !f.header["track"].is_string() || !f.header.contains("metadata") || !f.header["metadata"].is_string())
    return Refuse("the job needs track and metadata strings");
  Result<Track> track = ImportTrack(f.header["track"].get<std::string>(), "race track");
  if (!track) return Refuse(track.error().message);
  Result<RaceRules> rules = RulesFromJson(f.header.value("rules", json::object()));
  if (!rules) return Refuse(rules.error().message);
  Result<ModelMetadata> metadata = ParseModelMetadata(f.header["metadata"].get<std::string>());
  if (!metadata) return Refuse("the model's metadata cannot be read: " + metadata.error().message);
  const int64_t budget_us = f.header.value("step_budget_us", int64_t{0});

  Result<models::Evaluation> done = models::EvaluateModel(
      track.value(), rules.value(), f.payload, metadata.value(), budget_us,
      [](const models::EvaluationProgress& p) {
        WriteFrame(1, {{"type", "progress"}, {"lap", p.lap}, {"lap_pct", p.lap_pct}, {"total_pct", p.total_pct}});
      },
      [] { WriteFrame(1, {{"type", "loaded"}}); });
  if (!done) return Refuse("model error: " + Explained(done.error().message, limits), "model");
  TrialResult& r = done.value().result;
  if (r.end == LapStatus::kModelError) r.error = Explained(r.error, limits);
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx", static_cast<unsigned long long>(r.fingerprint));
  WriteFrame(1,
             {{"type", "result"},
              {"laps", LapsToJson(r.laps)},
              {"end", ToString(r.end)},
              {"error", r.error},
              {"steps", r.steps},
              {"fingerprint", fingerprint},
              {"load_ms", done.value().load_ms},
              {"mean_inference_us", done.value().mean_inference_us}},
             EncodeTrace(r.trace, metadata.value().action_space));
  return 0;
}

}  // namespace

int RunWorker(const SandboxLimits& limits) {
  // Only the two pipes and stderr: nothing the parent left open comes along.
  close_range(3, ~0u, 0);
  // Die with the server; never gain privileges.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (getppid() == 1) return 0;
  try {
    models::WarmUp();  // once: every evaluation process below is forked from this warm one
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pitwall worker: %s\n", e.what());
    return 2;
  }
  // The worker reads nothing itself: each child it forks takes one job from
  // stdin and answers on stdout; the worker then says how the child ended.
  int early_deaths = 0;  // in a row: children that died before they were sandboxed
  for (;;) {
    int sandboxed[2];
    if (pipe2(sandboxed, O_CLOEXEC) != 0) return 2;
    const pid_t child = fork();
    if (child < 0) {
      std::fprintf(stderr, "pitwall worker: fork: %s\n", std::strerror(errno));
      return 2;
    }
    if (child == 0) {
      close(sandboxed[0]);
      _exit(RunJob(limits, sandboxed[1]));
    }
    close(sandboxed[1]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    char byte = 0;
    const bool got_sandboxed = read(sandboxed[0], &byte, 1) == 1;
    close(sandboxed[0]);
    // Never a fork storm: children that keep dying before they are sandboxed
    // are forked ever more slowly (up to one every 2 s).
    early_deaths = got_sandboxed ? 0 : early_deaths + 1;
    if (early_deaths > 0) usleep(static_cast<useconds_t>(std::min(2000, 25 << std::min(early_deaths, 7))) * 1000);
    json ended = {{"type", "ended"}, {"pid", child}};
    if (WIFEXITED(status)) ended["exit_code"] = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) ended["signal"] = WTERMSIG(status);
    if (!WriteFrame(1, ended)) return 0;  // the server is gone
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoSandbox) return kExitNoSandbox;  // the next would fail alike
  }
}

}  // namespace pw::sandbox
