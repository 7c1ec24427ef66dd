#include "store/submission_store.h"

#include "database.h"
#include "pitwall/scoring.h"
#include "store/model_store.h"
#include "store/race_store.h"

namespace pw::server::store {
namespace {

constexpr const char* kColumns =
    "s.id, s.race_id, s.racer_id, s.model_id, m.name, s.status, s.reason, s.created_at, s.started_at, s.finished_at, s.qualified, "
    "s.ranking_ms, s.best_lap_ms, s.best_average_ms, s.total_ms, s.off_track_count, s.complete_laps, s.laps_json, s.crash_count";
constexpr int kColumnCount = 19;  // what Read reads; columns a query adds after kColumns start here
constexpr const char* kFrom = " FROM submissions s JOIN models m ON m.id = s.model_id ";

SubmissionRecord Read(db::Statement& q) {
  SubmissionRecord s;
  s.id = q.getColumn(0).getInt64();
  s.race_id = q.getColumn(1).getInt64();
  s.racer_id = q.getColumn(2).getInt64();
  s.model_id = q.getColumn(3).getInt64();
  s.model_name = q.getColumn(4).getString();
  ParseSubmissionStatus(q.getColumn(5).getString(), s.status);
  if (!q.getColumn(6).isNull()) s.reason = q.getColumn(6).getString();
  s.created_at = q.getColumn(7).getInt64();
  if (!q.getColumn(8).isNull()) s.started_at = q.getColumn(8).getInt64();
  if (!q.getColumn(9).isNull()) s.finished_at = q.getColumn(9).getInt64();
  s.qualified = q.getColumn(10).getInt() != 0;
  s.ranking_ms = q.getColumn(11).getInt64();
  s.best_lap_ms = q.getColumn(12).getInt64();
  s.best_average_ms = q.getColumn(13).getInt64();
  s.total_ms = q.getColumn(14).getInt64();
  s.off_track_count = q.getColumn(15).getInt();
  s.complete_laps = q.getColumn(16).getInt();
  s.laps_json = q.getColumn(17).getString();
  s.crash_count = q.getColumn(18).getInt();
  return s;
}

std::optional<SubmissionRecord> ByKey(db::Connection& db, int64_t racer_id, const std::string& key) {
  db::Statement q(db, std::string("SELECT ") + kColumns + kFrom + "WHERE s.racer_id = ? AND s.idempotency_key = ?");
  q.bind(1, racer_id);
  q.bind(2, key);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

int64_t CountOf(db::Statement& q) { return q.executeStep() ? q.getColumn(0).getInt64() : 0; }

// The queue's order, in one place: league races before community races; in
// each, racers take turns: every racer's first waiting submission before any
// racer's second, and among firsts, the racer served longest ago (or never)
// first. One racer's many submissions delay another's one by at most one
// evaluation per worker.
constexpr const char* kQueueOrder =
    "WITH queue AS (SELECT s.id, CASE WHEN r.kind = 'LEAGUE' THEN 0 ELSE 1 END AS community, "
    "  ROW_NUMBER() OVER (PARTITION BY s.racer_id, r.kind ORDER BY s.id) AS turn, "
    "  COALESCE((SELECT MAX(p.started_at) FROM submissions p WHERE p.racer_id = s.racer_id), 0) AS served "
    "  FROM submissions s JOIN races r ON r.id = s.race_id WHERE s.status = 'QUEUED') ";

}  // namespace

std::optional<SubmissionRecord> FindSubmission(db::Connection& db, int64_t id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + kFrom + "WHERE s.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

std::vector<SubmissionRecord> ListSubmissions(db::Connection& db, int64_t race_id, int64_t racer_id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + kFrom + "WHERE s.race_id = ? AND s.racer_id = ? ORDER BY s.id DESC");
  q.bind(1, race_id);
  q.bind(2, racer_id);
  std::vector<SubmissionRecord> out;
  while (q.executeStep()) out.push_back(Read(q));
  return out;
}

Entry EnterSubmission(db::Connection& db, const NewSubmission& n) {
  db::Transaction tx(db);
  Entry out;
  if (!n.idempotency_key.empty()) {
    if (auto first = ByKey(db, n.racer_id, n.idempotency_key)) {
      out.outcome = first->race_id == n.race_id ? Entered::kRepeated : Entered::kKeyUsedElsewhere;
      out.submission = std::move(first);
      return out;
    }
  }
  if (!FindModel(db, n.model_id, n.racer_id)) return {Entered::kNoSuchModel, std::nullopt, 0};
  db::Statement used(db, "SELECT COUNT(*) FROM submissions WHERE race_id = ? AND racer_id = ? AND status != 'CANCELLED'");
  used.bind(1, n.race_id);
  used.bind(2, n.racer_id);
  if (CountOf(used) >= n.max_submissions) return {Entered::kNoneLeft, std::nullopt, 0};
  db::Statement waiting(db, "SELECT COUNT(*) FROM submissions WHERE racer_id = ? AND status IN ('QUEUED', 'EVALUATING')");
  waiting.bind(1, n.racer_id);
  if (CountOf(waiting) >= n.max_waiting) return {Entered::kTooManyWaiting, std::nullopt, 0};
  db::Statement ins(db, "INSERT INTO submissions (race_id, racer_id, model_id, status, created_at, idempotency_key) "
                        "VALUES (?, ?, ?, 'QUEUED', ?, ?) RETURNING id");
  ins.bind(1, n.race_id);
  ins.bind(2, n.racer_id);
  ins.bind(3, n.model_id);
  ins.bind(4, n.now_ms);
  if (n.idempotency_key.empty()) ins.bind(5);
  else ins.bind(5, n.idempotency_key);
  ins.executeStep();
  const int64_t id = ins.getColumn(0).getInt64();
  ins.reset();
  out.revision = BumpRevision(db, n.race_id);  // the leaderboard's "submissions" column changes
  out.submission = FindSubmission(db, id);
  out.queue_position = QueuePosition(db, id);
  tx.commit();
  return out;
}

std::optional<RunAccess> FindRunAccess(db::Connection& db, int64_t submission_id) {
  db::Statement q(db,
                  "SELECT s.race_id, s.racer_id, EXISTS (SELECT 1 FROM leaderboard l WHERE l.submission_id = s.id) "
                  "FROM submissions s WHERE s.id = ? AND s.trace IS NOT NULL");
  q.bind(1, submission_id);
  if (!q.executeStep()) return std::nullopt;
  return RunAccess{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt() != 0};
}

std::optional<StoredRun> FindRun(db::Connection& db, int64_t submission_id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + ", r.alias, s.trace, s.fingerprint" + kFrom +
                          "JOIN racers r ON r.id = s.racer_id WHERE s.id = ? AND s.trace IS NOT NULL");
  q.bind(1, submission_id);
  if (!q.executeStep()) return std::nullopt;
  StoredRun run{Read(q), q.getColumn(kColumnCount).getString(), q.getColumn(kColumnCount + 1).getString(),
                q.getColumn(kColumnCount + 2).getString()};
  return run;
}

int CountQueued(db::Connection& db) { return static_cast<int>(db.queryInt("SELECT COUNT(*) FROM submissions WHERE status = 'QUEUED'")); }

int64_t QueuePosition(db::Connection& db, int64_t submission_id) {
  db::Statement q(db, std::string(kQueueOrder) +
                          "SELECT COUNT(*) FROM queue a, queue me WHERE me.id = ? AND "
                          "(a.community, a.turn, a.served, a.id) <= (me.community, me.turn, me.served, me.id)");
  q.bind(1, submission_id);
  return CountOf(q);
}

std::optional<Job> ClaimNext(db::Connection& db, int64_t now_ms, int64_t lease_until_ms) {
  const bool postgres = db.engine() == db::Engine::kPostgres;
  db::Transaction tx(db, db::Transaction::Lock::kRows);
  // SQLite has one writer at a time; on PostgreSQL each worker locks the row it takes and skips
  // those other workers hold, so claims never wait on each other.
  db::Statement pick(db, std::string(kQueueOrder) +
                             "SELECT s.id FROM submissions s JOIN queue q ON q.id = s.id WHERE s.status = 'QUEUED' "
                             "ORDER BY q.community, q.turn, q.served, q.id LIMIT 1" +
                             (postgres ? " FOR UPDATE OF s SKIP LOCKED" : ""));
  if (!pick.executeStep()) return std::nullopt;
  const int64_t id = pick.getColumn(0).getInt64();
  pick.reset();
  db::Statement q(db, "UPDATE submissions SET status = 'EVALUATING', started_at = ?, attempts = attempts + 1, lease_until = ? "
                      "WHERE id = ? AND status = 'QUEUED' RETURNING id, race_id, racer_id, model_id, attempts");
  q.bind(1, now_ms);
  q.bind(2, lease_until_ms);
  q.bind(3, id);
  if (!q.executeStep()) return std::nullopt;
  Job job{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(), q.getColumn(4).getInt(),
          {}, {}};
  q.reset();
  db::Statement m(db, "SELECT sha256, metadata FROM models WHERE id = ?");
  m.bind(1, job.model_id);
  if (m.executeStep()) {
    job.sha256 = m.getColumn(0).getString();
    job.metadata = m.getColumn(1).getString();
  }
  tx.commit();
  return job;
}

void RenewLeases(db::Connection& db, const std::vector<int64_t>& submission_ids, int64_t lease_until_ms) {
  for (const int64_t id : submission_ids) {
    db::Statement q(db, "UPDATE submissions SET lease_until = ? WHERE id = ? AND status = 'EVALUATING'");
    q.bind(1, lease_until_ms);
    q.bind(2, id);
    q.exec();
  }
}

int RequeueOrGiveUp(db::Connection& db, std::optional<int64_t> submission_id, int max_attempts, const std::string& reason, int64_t now_ms,
                    Orphans orphans) {
  std::string which = submission_id ? " AND id = ?" : "";
  if (orphans == Orphans::kLeaseExpired) which += " AND (lease_until IS NULL OR lease_until < " + std::to_string(now_ms) + ")";
  db::Transaction tx(db);
  db::Statement give_up(db, "UPDATE submissions SET status = 'FAILED', finished_at = ?, reason = ? WHERE status = 'EVALUATING' AND attempts >= ?" + which);
  give_up.bind(1, now_ms);
  give_up.bind(2, reason);
  give_up.bind(3, max_attempts);
  if (submission_id) give_up.bind(4, *submission_id);
  give_up.exec();
  db::Statement requeue(db, "UPDATE submissions SET status = 'QUEUED', started_at = NULL, lease_until = NULL WHERE status = 'EVALUATING'" + which);
  if (submission_id) requeue.bind(1, *submission_id);
  const int requeued = requeue.exec();
  tx.commit();
  return requeued;
}

Recorded RecordEvaluation(db::Connection& db, const Job& job, const Finished& f) {
  db::Transaction tx(db);
  db::Statement u(db,
                  "UPDATE submissions SET status = ?, reason = ?, finished_at = ?, qualified = ?, ranking_ms = ?, best_lap_ms = ?, "
                  "best_average_ms = ?, total_ms = ?, off_track_count = ?, complete_laps = ?, laps_json = ?, trace = ?, fingerprint = ?, lease_until = NULL, "
                  "crash_count = ? WHERE id = ? AND status = 'EVALUATING' AND attempts = ?");
  u.bind(1, ToString(f.status));
  if (f.status == SubmissionStatus::kFailed) u.bind(2, f.reason);
  else u.bind(2);
  u.bind(3, f.now_ms);
  u.bind(4, f.qualified ? 1 : 0);
  u.bind(5, f.ranking_ms);
  u.bind(6, f.best_lap_ms);
  u.bind(7, f.best_average_ms);
  u.bind(8, f.total_ms);
  u.bind(9, f.off_track_count);
  u.bind(10, f.complete_laps);
  u.bind(11, f.laps_json);
  u.bind(12, db::Blob{f.trace.data(), f.trace.size()});
  u.bind(13, f.fingerprint);
  u.bind(14, f.crash_count);
  u.bind(15, job.id);
  u.bind(16, job.attempt);
  Recorded out;
  if (u.exec() == 1) {
    out.stored = true;
    out.board_changed = RecomputeLeaderboardRow(db, job.race_id, job.racer_id);
    out.revision = BumpRevision(db, job.race_id);
  }
  tx.commit();
  return out;
}

std::vector<LeaderboardEntry> Leaderboard(db::Connection& db, int64_t race_id) {
  db::Statement q(db,
                  "SELECT r.alias, s.id, s.ranking_ms, s.best_lap_ms, s.best_average_ms, s.total_ms, s.off_track_count, s.created_at, "
                  "(SELECT COUNT(*) FROM submissions c WHERE c.race_id = l.race_id AND c.racer_id = l.racer_id AND c.status != 'CANCELLED'), s.crash_count "
                  "FROM leaderboard l JOIN submissions s ON s.id = l.submission_id JOIN racers r ON r.id = l.racer_id "
                  "WHERE l.race_id = ? ORDER BY l.ranking_ms, l.submission_id");
  q.bind(1, race_id);
  std::vector<LeaderboardEntry> entries;
  while (q.executeStep()) {
    LeaderboardEntry e;
    e.rank = static_cast<int>(entries.size()) + 1;
    e.alias = q.getColumn(0).getString();
    e.submission_id = q.getColumn(1).getInt64();
    e.ranking_ms = q.getColumn(2).getInt64();
    e.best_lap_ms = q.getColumn(3).getInt64();
    e.average_lap_ms = q.getColumn(4).getInt64();
    e.total_ms = q.getColumn(5).getInt64();
    e.off_track_count = q.getColumn(6).getInt();
    e.submitted_at = Rfc3339(q.getColumn(7).getInt64());
    e.submissions = q.getColumn(8).getInt();
    e.crash_count = q.getColumn(9).getInt();
    e.gap_ms = e.ranking_ms - (entries.empty() ? e.ranking_ms : entries.front().ranking_ms);
    entries.push_back(std::move(e));
  }
  return entries;
}

bool RecomputeLeaderboardRow(db::Connection& db, int64_t race_id, int64_t racer_id) {
  std::vector<RankInput> inputs;
  // Entries an organiser removed do not count, nor do racers no longer in a community race.
  db::Statement q(db,
                  "SELECT s.id, s.ranking_ms FROM submissions s JOIN races r ON r.id = s.race_id "
                  "WHERE s.race_id = ? AND s.racer_id = ? AND s.status = 'COMPLETED' AND s.qualified = 1 AND s.removed_at IS NULL "
                  "AND (r.kind = 'LEAGUE' OR r.created_by = s.racer_id OR "
                  "     EXISTS (SELECT 1 FROM race_participants p WHERE p.race_id = r.id AND p.racer_id = s.racer_id))");
  q.bind(1, race_id);
  q.bind(2, racer_id);
  while (q.executeStep()) {
    RankInput in;
    in.racer_id = racer_id;
    in.submission_id = q.getColumn(0).getInt64();
    in.score.qualified = true;
    in.score.ranking_ms = q.getColumn(1).getInt64();
    inputs.push_back(in);
  }
  const auto rows = RankSubmissions(inputs);
  db::Statement cur(db, "SELECT submission_id FROM leaderboard WHERE race_id = ? AND racer_id = ?");
  cur.bind(1, race_id);
  cur.bind(2, racer_id);
  const int64_t current = CountOf(cur);
  if (rows.empty()) {
    if (current == 0) return false;
    db::Statement del(db, "DELETE FROM leaderboard WHERE race_id = ? AND racer_id = ?");
    del.bind(1, race_id);
    del.bind(2, racer_id);
    del.exec();
    return true;
  }
  if (rows[0].submission_id == current) return false;
  db::Statement up(db, "INSERT INTO leaderboard (race_id, racer_id, submission_id, ranking_ms) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (race_id, racer_id) DO UPDATE SET submission_id = excluded.submission_id, ranking_ms = excluded.ranking_ms");
  up.bind(1, race_id);
  up.bind(2, racer_id);
  up.bind(3, rows[0].submission_id);
  up.bind(4, rows[0].score.ranking_ms);
  up.exec();
  return true;
}

std::optional<int64_t> StrikeEntry(db::Connection& db, int64_t race_id, int64_t racer_id, int64_t now_ms) {
  db::Transaction tx(db);
  db::Statement entry(db, "SELECT submission_id FROM leaderboard WHERE race_id = ? AND racer_id = ?");
  entry.bind(1, race_id);
  entry.bind(2, racer_id);
  if (!entry.executeStep()) return std::nullopt;
  const int64_t submission_id = entry.getColumn(0).getInt64();
  entry.reset();
  db::Statement strike(db, "UPDATE submissions SET removed_at = ? WHERE id = ?");
  strike.bind(1, now_ms);
  strike.bind(2, submission_id);
  strike.exec();
  RecomputeLeaderboardRow(db, race_id, racer_id);
  const int64_t revision = BumpRevision(db, race_id);
  tx.commit();
  return revision;
}

}  // namespace pw::server::store
