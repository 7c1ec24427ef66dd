// What an evaluation worker may do once it holds an untrusted model
// (docs/SECURITY.md): hard resource limits, no privileges, and a system-call
// allowlist (libseccomp). Entered once per worker process, after ONNX
// Runtime is warmed up and before the model's bytes are read; never left.
#pragma once

#include <cstdint>
#include <string>

#include "pitwall/result.h"

namespace pw::sandbox {

struct SandboxLimits {
  int64_t memory_bytes = 1ll << 30;  ///< address space (RLIMIT_AS)
  int cpu_seconds = 150;             ///< processor time of the whole worker (RLIMIT_CPU; SIGXCPU past it)
  bool seccomp = true;               ///< the system-call allowlist (off only for diagnosis)
};

/// The exit code of an evaluation process whose allocation failed under the memory limit.
inline constexpr int kExitOutOfMemory = 86;
/// The exit code of an evaluation process that could not enter the sandbox
/// (the machine forbids seccomp, say); its worker then stops forking.
inline constexpr int kExitNoSandbox = 87;

/// Applies every limit to the calling process: rlimits (address space, CPU,
/// no files written, no core dumps, a handful of descriptors), drops root to
/// nobody, forbids new privileges, dies with its parent, then loads the
/// seccomp filter. An Error says what could not be applied.
Result<bool> EnterSandbox(const SandboxLimits& limits);

/// The system calls the filter allows, by name, for the documentation and tests.
const char* const* AllowedSystemCalls();

}  // namespace pw::sandbox
