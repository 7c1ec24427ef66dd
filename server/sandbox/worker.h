// `pitwall worker`: evaluations in sandboxed processes. Started by the server
// (or `pitwall trial`) with pipes on stdin and stdout, it warms ONNX Runtime
// up once, then forks one child per evaluation: the child enters the sandbox,
// says "ready", takes one job, answers with its progress and result, and
// exits; the worker says how it ended and forks the next.
// docs/WORKER_PROTOCOL.md.
#pragma once

#include "sandbox.h"

namespace pw::sandbox {

/// The worker's main: reads the job from fd 0, writes frames to fd 1; returns the exit code.
int RunWorker(const SandboxLimits& limits);

}  // namespace pw::sandbox
