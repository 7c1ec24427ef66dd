#include "sandbox.h"

#include <fcntl.h>
#include <grp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <new>

namespace pw::sandbox {
namespace {

// Found by running the starter models and the test corpus under the filter
// (SCMP_ACT_LOG), then kept to what glibc's allocator, threads, clocks and
// the protocol's pipes use. Nothing here opens, creates or connects anything.
constexpr const char* kAllowed[] = {
    // the protocol: frames on stdin and stdout, errors on stderr
    "read", "write", "readv", "writev", "poll", "ppoll", "close", "fstat", "newfstatat", "lseek", "fcntl",
    // memory (mmap and mprotect without PROT_EXEC: see below)
    "brk", "mmap", "munmap", "mremap", "madvise",
    // threads already running (the step watchdog) and their clocks
    "futex", "clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday", "sched_yield", "sched_getaffinity",
    "getpid", "gettid", "getrandom", "getrusage", "set_robust_list", "rseq", "restart_syscall",
    // signals and leaving
    "rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "tgkill", "exit", "exit_group",
    nullptr};

void OnOutOfMemory() {
  // An allocation failed under RLIMIT_AS: say so with the exit code (nothing
  // here may allocate).
  _exit(kExitOutOfMemory);
}

Result<bool> Fail(const std::string& what) { return Error{what + ": " + std::strerror(errno)}; }

}  // namespace

const char* const* AllowedSystemCalls() { return kAllowed; }

Result<bool> EnterSandbox(const SandboxLimits& limits) {
  std::set_new_handler(OnOutOfMemory);
  // Never above what the server itself was given (a worker may only lower its limits).
  auto limit = [](int resource, rlim_t soft, rlim_t hard) {
    rlimit current{};
    if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
      hard = std::min(hard, current.rlim_max);
      soft = std::min(soft, hard);
    }
    const rlimit r{soft, hard};
    return setrlimit(resource, &r) == 0;
  };
  if (!limit(RLIMIT_AS, static_cast<rlim_t>(limits.memory_bytes), static_cast<rlim_t>(limits.memory_bytes))) return Fail("RLIMIT_AS");
  // SIGXCPU at the soft limit, SIGKILL a second later if it is ignored.
  if (!limit(RLIMIT_CPU, static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds) + 1)) return Fail("RLIMIT_CPU");
  // No file grows by a byte, not even the server's log if stderr is one: a
  // write fails (EFBIG) rather than killing the process (SIGXFSZ). Reasons
  // travel in the protocol, never on stderr.
  signal(SIGXFSZ, SIG_IGN);
  if (!limit(RLIMIT_FSIZE, 0, 0)) return Fail("RLIMIT_FSIZE");
  if (!limit(RLIMIT_CORE, 0, 0)) return Fail("RLIMIT_CORE");
  if (!limit(RLIMIT_NOFILE, 4, 4)) return Fail("RLIMIT_NOFILE");
  // No root: a worker started by a root server runs as nobody.
  if (geteuid() == 0) {
    if (setgroups(0, nullptr) != 0) return Fail("setgroups");
    if (setgid(65534) != 0) return Fail("setgid");
    if (setuid(65534) != 0) return Fail("setuid");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Fail("PR_SET_NO_NEW_PRIVS");
  // Set after the credentials change (which clears it): the worker dies with the server.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return Fail("PR_SET_PDEATHSIG");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return Fail("PR_SET_DUMPABLE");
  if (getppid() == 1) return Error{"the server is gone"};
  if (!limits.seccomp) return true;

  // Anything else ends the process (SIGSYS); opening a file fails with EACCES
  // instead, so a library that probes a file degrades rather than dies.
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (ctx == nullptr) return Error{"seccomp_init failed"};
  int rc = 0;
  for (const char* const* name = kAllowed; *name != nullptr && rc == 0; ++name) {
    const int nr = seccomp_syscall_resolve_name(*name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (std::strcmp(*name, "mmap") == 0 || std::strcmp(*name, "mprotect") == 0) continue;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
  }
  // Memory may be mapped and protected, never made executable: no code is loaded after this.
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0);
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0);
  if (rc == 0) rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) return Error{std::string("seccomp: ") + std::strerror(-rc)};
  return true;
}

}  // namespace pw::sandbox
