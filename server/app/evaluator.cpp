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
#include "store/submission_store.h"

namespace pw::server {
namespace {

using nlohmann::json;

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

int RequeueInterrupted(db::Connection& db) {
  // A submission that was being evaluated each of the last kMaxAttempts times
  // the server went down may be what brings it down: it ends, with a reason.
  // On SQLite this server was the only one: all it left EVALUATING was interrupted. On PostgreSQL
  // others may be evaluating right now: only evaluations whose lease ran out were.
  const bool shared = db.engine() == db::Engine::kPostgres;
  return store::RequeueOrGiveUp(db, std::nullopt, kMaxAttempts,
                                "evaluation could not finish: its server or worker stopped during each of " + std::to_string(kMaxAttempts) +
                                    " attempts",
                                NowMs(), shared ? store::Orphans::kLeaseExpired : store::Orphans::kAll);
}

void Requeue(db::Connection& db, int64_t submission_id, const std::string& why) {
  store::RequeueOrGiveUp(db, submission_id, kMaxAttempts, "evaluation could not finish after " + std::to_string(kMaxAttempts) + " attempts: " + why,
                         NowMs());
}

bool Evaluator::RunOne(sandbox::WorkerSlot* slot) {
  db::Connection& db = league_.db();
  const int64_t claimed_at = NowMs();
  const std::optional<store::Job> job = store::ClaimNext(db, claimed_at, claimed_at + league_.config().lease_ms);
  if (!job) return false;
  league_.AddLeased(job->id);
  struct Unlease {
    League& league;
    int64_t id;
    ~Unlease() { league.RemoveLeased(id); }
  } unlease{league_, job->id};
  league_.Publish(job->race_id, "submission", json{{"id", job->id}, {"status", "EVALUATING"}}.dump());

  std::string failure;
  TrialResult result;
  Score score;
  const std::optional<RaceInfo> race = league_.Race(job->race_id);
  auto metadata = ParseModelMetadata(job->metadata);
  const models::ProgressFn progress = [&](const models::EvaluationProgress& p) {
    league_.SetProgress(job->id, {p.lap, p.lap_pct, p.total_pct});
    league_.Publish(job->race_id, "submission",
                             json{{"id", job->id}, {"status", "EVALUATING"}, {"lap", p.lap},
                                  {"lap_progress_pct", std::round(p.lap_pct * 10.0) / 10.0},
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
  store::Finished finished;
  finished.status = failure.empty() ? SubmissionStatus::kCompleted : SubmissionStatus::kFailed;
  finished.reason = failure;
  finished.qualified = score.qualified;
  finished.ranking_ms = score.ranking_ms;
  finished.best_lap_ms = score.best_lap_ms;
  finished.best_average_ms = score.best_average_ms;
  finished.total_ms = score.total_ms;
  finished.off_track_count = score.off_track_count;
  finished.crash_count = score.crash_count;
  finished.complete_laps = score.complete_laps;
  finished.laps_json = LapsToJson(result.laps).dump();
  finished.trace = CompressTrace(EncodeTrace(result.trace, metadata ? metadata.value().action_space : ActionSpace{}));
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(result.fingerprint));
  finished.fingerprint = fp;
  finished.now_ms = NowMs();
  const store::Recorded recorded = store::RecordEvaluation(db, *job, finished);
  const std::string status = ToString(finished.status);
  const int64_t revision = recorded.revision;
  const bool board_changed = recorded.board_changed;
  if (revision > 0) league_.PublishRevision(job->race_id, revision);
  league_.ClearProgress(job->id);
  league_.Publish(job->race_id, "submission",
                           json{{"id", job->id}, {"status", status}, {"reason", failure.empty() ? json() : json(failure)}}.dump());
  if (revision > 0)
    league_.Publish(job->race_id, "leaderboard", json{{"revision", revision}, {"changed", board_changed}}.dump());
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
  threads_.emplace_back([this] { KeepLeases(); });
}

// Every third of a lease: this process's evaluations renew theirs, and evaluations whose lease
// ran out (their server or worker was killed, or lost the database) go back in the queue.
void Evaluator::KeepLeases() {
  const int lease_ms = league_.config().lease_ms;
  while (!league_.stopping) {
    for (int waited = 0; waited < lease_ms / 3 && !league_.stopping; waited += 100)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (league_.stopping) break;
    try {
      db::Connection& db = league_.db();
      const int64_t now = NowMs();
      store::RenewLeases(db, league_.Leased(), now + lease_ms);
      const int back = store::RequeueOrGiveUp(db, std::nullopt, kMaxAttempts,
                                              "evaluation could not finish: its worker stopped answering during each of " +
                                                  std::to_string(kMaxAttempts) + " attempts",
                                              now, store::Orphans::kLeaseExpired);
      if (back > 0) {
        std::fprintf(stderr, "pitwall: re-queued %d evaluation(s) whose worker stopped answering\n", back);
        league_.WakeWorkers();
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: keeping evaluation leases: %s\n", e.what());
    }
  }
}

void Evaluator::Stop() {
  league_.stopping = true;
  league_.WakeWorkers();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace pw::server
