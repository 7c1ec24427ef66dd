#include "evaluator.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "database.h"
#include "model_gate.h"
#include "evaluation.h"
#include "pitwall/json_codec.h"
#include "pitwall/replay.h"
#include "pitwall/scoring.h"
#include "pitwall/trial.h"

namespace pw::server {
namespace {

using nlohmann::json;

struct Job {
  int64_t id = 0, race_id = 0, racer_id = 0, model_id = 0;
  std::string sha256, metadata;
};

// The queue's order, in one place: league races before community races; in
// each, racers take turns: every racer's first waiting submission before any
// racer's second, and among firsts, the racer served longest ago (or never)
// first. One racer's many submissions delay another's one by at most one
// evaluation per worker.
constexpr const char* kQueueOrder =
    "WITH queue AS (SELECT s.id, (r.kind != 'LEAGUE') AS community, "
    "  ROW_NUMBER() OVER (PARTITION BY s.racer_id, r.kind != 'LEAGUE' ORDER BY s.id) AS turn, "
    "  COALESCE((SELECT MAX(p.started_at) FROM submissions p WHERE p.racer_id = s.racer_id), 0) AS served "
    "  FROM submissions s JOIN races r ON r.id = s.race_id WHERE s.status = 'QUEUED') ";

std::optional<Job> Claim(db::Connection& db) {
  db::Transaction tx(db);
  db::Statement q(db, std::string(kQueueOrder) +
                              "UPDATE submissions SET status = 'EVALUATING', started_at = ?, attempts = attempts + 1 "
                              "WHERE id = (SELECT id FROM queue ORDER BY community, turn, served, id LIMIT 1) "
                              "RETURNING id, race_id, racer_id, model_id");
  q.bind(1, NowMs());
  if (!q.executeStep()) return std::nullopt;
  Job job{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(), {}, {}};
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

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string CompressTrace(const std::string& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 9) != Z_OK)
    throw std::runtime_error("zlib could not compress a trace");
  out.resize(size);
  return out;
}

std::optional<std::string> InflateTrace(const std::string& stored, size_t max_bytes) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data()));
  z.avail_in = static_cast<uInt>(stored.size());
  std::string out;
  char buf[1 << 15];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > max_bytes) rc = Z_MEM_ERROR;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

int64_t QueuePosition(db::Connection& db, int64_t submission_id) {
  db::Statement q(db, std::string(kQueueOrder) +
                              "SELECT COUNT(*) FROM queue a, queue me WHERE me.id = ? AND "
                              "(a.community, a.turn, a.served, a.id) <= (me.community, me.turn, me.served, me.id)");
  q.bind(1, submission_id);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

namespace {

// Submissions left EVALUATING (all of them, or one) go back in the queue;
// those already tried kMaxAttempts times end FAILED with `reason` instead.
int RequeueOrGiveUp(db::Connection& db, std::optional<int64_t> submission_id, const std::string& reason) {
  const std::string which = submission_id ? " AND id = " + std::to_string(*submission_id) : std::string();
  db::Transaction tx(db);
  db::Statement give_up(db, "UPDATE submissions SET status = 'FAILED', finished_at = ?, reason = ? WHERE status = 'EVALUATING' AND attempts >= ?" + which);
  give_up.bind(1, NowMs());
  give_up.bind(2, reason);
  give_up.bind(3, kMaxAttempts);
  give_up.exec();
  const int requeued = db.exec("UPDATE submissions SET status = 'QUEUED', started_at = NULL WHERE status = 'EVALUATING'" + which);
  tx.commit();
  return requeued;
}

}  // namespace

int RequeueInterrupted(db::Connection& db) {
  // A submission that was being evaluated each of the last kMaxAttempts times
  // the server went down may be what brings it down: it ends, with a reason.
  return RequeueOrGiveUp(db, std::nullopt,
                         "evaluation could not finish: the server stopped during each of " + std::to_string(kMaxAttempts) + " attempts");
}

void Requeue(db::Connection& db, int64_t submission_id, const std::string& why) {
  RequeueOrGiveUp(db, submission_id, "evaluation could not finish after " + std::to_string(kMaxAttempts) + " attempts: " + why);
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
  const int64_t current = cur.executeStep() ? cur.getColumn(0).getInt64() : 0;
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

bool Evaluator::RunOne(sandbox::WorkerSlot* slot) {
  db::Connection& db = league_.db();
  const std::optional<Job> job = Claim(db);
  if (!job) return false;
  league_.events().Publish(job->race_id, "submission", json{{"id", job->id}, {"status", "EVALUATING"}}.dump());

  std::string failure;
  TrialResult result;
  Score score;
  const std::optional<RaceInfo> race = league_.Race(job->race_id);
  auto metadata = ParseModelMetadata(job->metadata);
  const models::ProgressFn progress = [&](const models::EvaluationProgress& p) {
    league_.SetProgress(job->id, {p.lap, p.lap_pct, p.total_pct});
    league_.events().Publish(job->race_id, "submission",
                             json{{"id", job->id}, {"status", "EVALUATING"}, {"lap", p.lap},
                                  {"progress_pct", std::round(p.total_pct * 10.0) / 10.0}}.dump());
  };
  if (!race) {
    failure = "the race no longer exists";
  } else if (!metadata) {
    failure = "the model's metadata cannot be read: " + metadata.error().message;
  } else {
    const std::string bytes = ReadAll(league_.models_dir() + "/" + job->sha256 + ".onnx");
    if (slot != nullptr) {
      sandbox::SandboxJob sjob{race->track.get(), race->rules, bytes, job->metadata, league_.config().step_budget_us};
      sandbox::SandboxOutcome outcome = slot->Evaluate(sjob, progress);
      if (outcome.kind == sandbox::SandboxOutcome::Kind::kLost) {
        // Not the model's doing (as far as anyone can tell): the submission goes back in the queue.
        std::fprintf(stderr, "pitwall: submission %lld: %s\n", static_cast<long long>(job->id), outcome.reason.c_str());
        league_.ClearProgress(job->id);
        Requeue(db, job->id, outcome.reason);
        std::this_thread::sleep_for(std::chrono::seconds(1));  // whatever lost it may pass; never a hot loop
        return true;
      }
      if (outcome.kind == sandbox::SandboxOutcome::Kind::kRefused) failure = outcome.reason;
      else result = std::move(outcome.evaluation.result);
    } else {
      auto evaluated = models::EvaluateModel(*race->track, race->rules, bytes, metadata.value(), league_.config().step_budget_us, progress);
      if (!evaluated) failure = "model error: " + evaluated.error().message;
      else result = std::move(evaluated.value().result);
    }
    if (failure.empty()) {
      score = ScoreLaps(result.laps, race->rules);
      if (result.end == LapStatus::kModelError) failure = "model error: " + result.error;
      else if (!score.qualified)
        failure = "completed " + std::to_string(score.longest_streak) + " consecutive lap" + (score.longest_streak == 1 ? "" : "s") +
                  "; the race needs " + std::to_string(race->rules.min_laps);
    }
  }

  // One transaction: the result, the leaderboard and the revision.
  const std::string status = failure.empty() ? "COMPLETED" : "FAILED";
  int64_t revision = 0;
  bool board_changed = false;
  {
    db::Transaction tx(db);
    db::Statement u(db,
                        "UPDATE submissions SET status = ?, reason = ?, finished_at = ?, qualified = ?, ranking_ms = ?, best_lap_ms = ?, "
                        "best_average_ms = ?, total_ms = ?, off_track_count = ?, complete_laps = ?, laps_json = ?, trace = ?, fingerprint = ? "
                        "WHERE id = ? AND status = 'EVALUATING'");
    u.bind(1, status);
    if (failure.empty()) u.bind(2); else u.bind(2, failure);
    u.bind(3, NowMs());
    u.bind(4, score.qualified ? 1 : 0);
    u.bind(5, score.ranking_ms);
    u.bind(6, score.best_lap_ms);
    u.bind(7, score.best_average_ms);
    u.bind(8, score.total_ms);
    u.bind(9, score.off_track_count);
    u.bind(10, score.complete_laps);
    u.bind(11, LapsToJson(result.laps).dump());
    const std::string trace = CompressTrace(EncodeTrace(result.trace, metadata ? metadata.value().action_space : ActionSpace{}));
    u.bind(12, db::Blob{trace.data(), trace.size()});
    char fp[17];
    std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(result.fingerprint));
    u.bind(13, std::string(fp));
    u.bind(14, job->id);
    if (u.exec() == 1) {
      board_changed = RecomputeLeaderboardRow(db, job->race_id, job->racer_id);
      revision = league_.BumpRevision(db, job->race_id);
    }
    tx.commit();
    if (revision > 0) league_.PublishRevision(job->race_id, revision);
  }
  league_.ClearProgress(job->id);
  league_.events().Publish(job->race_id, "submission",
                           json{{"id", job->id}, {"status", status}, {"reason", failure.empty() ? json() : json(failure)}}.dump());
  if (revision > 0)
    league_.events().Publish(job->race_id, "leaderboard", json{{"revision", revision}, {"changed", board_changed}}.dump());
  return true;
}

sandbox::WorkerOptions Evaluator::WorkerOptionsFromConfig() const {
  const ServerConfig& c = league_.config();
  sandbox::WorkerOptions o;
  o.binary = c.worker_binary;
  o.limits.memory_bytes = c.worker_memory_bytes;
  o.limits.cpu_seconds = c.worker_cpu_seconds;
  o.load_timeout_ms = c.load_timeout_ms;
  o.evaluation_timeout_ms = c.evaluation_timeout_ms;
  return o;
}

void Evaluator::Work() {
  // Each evaluation thread has its own worker process (one started ahead).
  std::unique_ptr<sandbox::WorkerSlot> slot;
  if (league_.config().sandbox) slot = std::make_unique<sandbox::WorkerSlot>(WorkerOptionsFromConfig());
  while (!league_.stopping) {
    bool did = false;
    try {
      did = RunOne(slot.get());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: evaluation worker: %s\n", e.what());
    }
    if (!did) league_.WaitForWork(500);
  }
}

void Evaluator::Start(int workers) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
}

void Evaluator::Stop() {
  league_.stopping = true;
  league_.WakeWorkers();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace pw::server
