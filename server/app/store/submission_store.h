// The submissions table and the leaderboard it feeds: typed records, the queue
// (claiming, re-queueing, finishing an evaluation) and the SQL behind them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db.h"
#include "pitwall/json_codec.h"
#include "pitwall/league.h"

namespace pw::server::store {

struct SubmissionRecord {
  int64_t id = 0, race_id = 0, racer_id = 0, model_id = 0;
  std::string model_name;
  SubmissionStatus status = SubmissionStatus::kQueued;
  std::optional<std::string> reason;
  int64_t created_at = 0;
  std::optional<int64_t> started_at, finished_at;
  // The result (finished submissions):
  bool qualified = false;
  int64_t ranking_ms = 0, best_lap_ms = 0, best_average_ms = 0, total_ms = 0;
  int off_track_count = 0, complete_laps = 0, crash_count = 0;
  std::string laps_json;  ///< the core's codec (LapsToJson); "" before it has any
};

std::optional<SubmissionRecord> FindSubmission(db::Connection& db, int64_t id);
/// A racer's submissions to a race, newest first.
std::vector<SubmissionRecord> ListSubmissions(db::Connection& db, int64_t race_id, int64_t racer_id);

/// Entering a model in a race: what happened.
enum class Entered { kQueued, kRepeated, kKeyUsedElsewhere, kNoSuchModel, kNoneLeft, kTooManyWaiting };
struct NewSubmission {
  int64_t race_id = 0, racer_id = 0, model_id = 0;
  std::string idempotency_key;  ///< "": none
  int max_submissions = 0;      ///< the race's limit per racer (cancelled ones do not count)
  int max_waiting = 0;          ///< the racer's queued or evaluating submissions, in any race
  int64_t now_ms = 0;
};
struct Entry {
  Entered outcome = Entered::kQueued;
  std::optional<SubmissionRecord> submission;  ///< kQueued: the new one; kRepeated: the first
  int64_t revision = 0;                        ///< kQueued: the race's new revision
  int64_t queue_position = 0;                  ///< kQueued: where it entered the queue (1: next)
};
/// The key's check, the model's owner, the limits, the insert and the revision, in one transaction.
Entry EnterSubmission(db::Connection& db, const NewSubmission& s);

/// Who may watch a run: whose it is, where, and whether it is ranked. Only runs with a trace.
struct RunAccess {
  int64_t race_id = 0, racer_id = 0;
  bool ranked = false;
};
std::optional<RunAccess> FindRunAccess(db::Connection& db, int64_t submission_id);
/// A run as stored: its race, its racer's alias, the deflated trace and its fingerprint.
struct StoredRun {
  SubmissionRecord submission;
  std::string alias;
  std::string trace;  ///< deflated (evaluator.h's CompressTrace)
  std::string fingerprint;
};
std::optional<StoredRun> FindRun(db::Connection& db, int64_t submission_id);

// The queue.

/// Submissions waiting for an evaluation worker.
int CountQueued(db::Connection& db);
/// Where a QUEUED submission stands in the queue's order (1: next), 0 when not queued.
int64_t QueuePosition(db::Connection& db, int64_t submission_id);
/// What a worker needs of the submission it claimed.
struct Job {
  int64_t id = 0, race_id = 0, racer_id = 0, model_id = 0;
  int attempt = 0;  ///< which attempt this claim is: only its own result is recorded (a fence)
  std::string sha256, metadata;
};
/// Takes the queue's next submission (EVALUATING, one more attempt, leased until `lease_until_ms`);
/// none when the queue is empty. On PostgreSQL, workers claim at once, each skipping rows another holds.
std::optional<Job> ClaimNext(db::Connection& db, int64_t now_ms, int64_t lease_until_ms);
/// Extends the leases of evaluations still under way (a worker's heartbeat).
void RenewLeases(db::Connection& db, const std::vector<int64_t>& submission_ids, int64_t lease_until_ms);
/// Which EVALUATING submissions go back in the queue (or, tried `max_attempts` times, end FAILED).
enum class Orphans { kAll, kLeaseExpired };
/// Submissions left EVALUATING (all, or one) go back in the queue; those tried `max_attempts`
/// times end FAILED with `reason` instead. How many went back.
int RequeueOrGiveUp(db::Connection& db, std::optional<int64_t> submission_id, int max_attempts, const std::string& reason, int64_t now_ms,
                    Orphans which = Orphans::kAll);

/// An evaluation's outcome, as stored.
struct Finished {
  SubmissionStatus status = SubmissionStatus::kCompleted;  ///< kCompleted or kFailed
  std::string reason;                                      ///< kFailed: why
  bool qualified = false;
  int64_t ranking_ms = 0, best_lap_ms = 0, best_average_ms = 0, total_ms = 0;
  int off_track_count = 0, complete_laps = 0, crash_count = 0;
  std::string laps_json, trace, fingerprint;
  int64_t now_ms = 0;
};
struct Recorded {
  bool stored = false;          ///< false: this attempt no longer holds the submission (nothing changed)
  bool board_changed = false;
  int64_t revision = 0;
};
/// The result, the racer's leaderboard row and the race's revision, in one transaction.
Recorded RecordEvaluation(db::Connection& db, const Job& job, const Finished& f);

// The leaderboard.

/// A race's leaderboard, best first, as the API gives it (rank, times, gap to the leader).
std::vector<LeaderboardEntry> Leaderboard(db::Connection& db, int64_t race_id);
/// Recomputes a racer's row from their ranked submissions (the core's ranking rule); true if it changed.
bool RecomputeLeaderboardRow(db::Connection& db, int64_t race_id, int64_t racer_id);
/// Strikes the racer's ranked run off (an organiser's decision; their other runs may still rank),
/// in one transaction; the race's new revision, or nothing when they have no entry.
std::optional<int64_t> StrikeEntry(db::Connection& db, int64_t race_id, int64_t racer_id, int64_t now_ms);

}  // namespace pw::server::store
