// The authoritative evaluation: evaluation threads take submissions from the
// durable queue in the database, have a sandboxed worker process run the
// race's trial with the model in native ONNX Runtime (server/sandbox; or, when
// configured, this process), and store the laps, the trace and the leaderboard
// change in one transaction. A submission left EVALUATING by a crash, or whose
// worker was lost, is queued again (at most kMaxAttempts times), so an
// accepted submission is never lost and never counted twice.
#pragma once

#include <thread>
#include <vector>

#include "league.h"
#include "pitwall/policy.h"
#include "supervisor.h"

namespace pw::server {

/// Evaluations of one submission a server may start before it gives up on it.
inline constexpr int kMaxAttempts = 3;

/// Puts submissions a crashed server left EVALUATING back in the queue (those
/// already tried kMaxAttempts times end FAILED instead); returns how many.
int RequeueInterrupted(db::Connection& db);

class Evaluator {
 public:
  explicit Evaluator(League& league) : league_(league) {}
  ~Evaluator() { Stop(); }
  void Start(int workers);
  void Stop();

  /// Claims and evaluates one queued submission, in the slot's worker process
  /// (null: in this process); false when the queue is empty.
  bool RunOne(sandbox::WorkerSlot* slot);

 private:
  void Work();
  void KeepLeases();
  sandbox::WorkerOptions WorkerOptionsFromConfig() const;
  League& league_;
  std::vector<std::thread> threads_;
};

/// Puts a submission whose evaluation was lost back in the queue, or ends it
/// FAILED with `why` when it has had kMaxAttempts attempts.
void Requeue(db::Connection& db, int64_t submission_id, const std::string& why);

/// A trace (pw::EncodeTrace) deflated with zlib for storage; served as is with
/// Content-Encoding: deflate, so browsers and HTTP clients inflate it themselves.
std::string CompressTrace(const std::string& raw);
/// A stored trace inflated again; nothing when it is damaged or would exceed `max_bytes`.
std::optional<std::string> InflateTrace(const std::string& stored, size_t max_bytes = 64u << 20);

}  // namespace pw::server
