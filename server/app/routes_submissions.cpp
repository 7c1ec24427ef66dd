// Submissions: a racer enters a model in an open race; it waits in the
// durable queue (with its position), is evaluated (with live progress), and
// ends COMPLETED with its laps or FAILED with the reason.
#include <algorithm>

#include "api.h"
#include "evaluator.h"
#include "database.h"
#include "pitwall/analysis.h"
#include "pitwall/replay.h"
#include "store/model_store.h"

namespace pw::server {
namespace {

constexpr const char* kColumns =
    "s.id, s.race_id, s.model_id, m.name, s.status, s.reason, s.created_at, s.started_at, s.finished_at, s.qualified, "
    "s.ranking_ms, s.best_lap_ms, s.best_average_ms, s.total_ms, s.off_track_count, s.complete_laps, s.laps_json, s.racer_id";

json SubmissionJson(db::Statement& q, League& league) {
  const int64_t id = q.getColumn(0).getInt64();
  const std::string status = q.getColumn(4).getString();
  json j = {{"id", id}, {"race_id", q.getColumn(1).getInt64()}, {"model_id", q.getColumn(2).getInt64()},
            {"model_name", q.getColumn(3).getString()}, {"status", status}, {"created_at", Rfc3339(q.getColumn(6).getInt64())}};
  if (!q.getColumn(5).isNull()) j["reason"] = q.getColumn(5).getString();
  if (!q.getColumn(7).isNull()) j["started_at"] = Rfc3339(q.getColumn(7).getInt64());
  if (!q.getColumn(8).isNull()) j["finished_at"] = Rfc3339(q.getColumn(8).getInt64());
  if (status == "QUEUED") {
    j["queue_position"] = QueuePosition(league.db(), id);
  }
  if (status == "EVALUATING") {
    const auto p = league.GetProgress(id);
    j["progress"] = p ? json{{"lap", p->lap}, {"lap_progress_pct", std::round(p->lap_progress_pct * 10) / 10},
                            {"progress_pct", std::round(p->total_progress_pct * 10) / 10}}
                      : json{{"lap", 1}, {"lap_progress_pct", 0.0}, {"progress_pct", 0.0}};
  }
  if (status == "COMPLETED" || status == "FAILED") {
    j["result"] = {{"qualified", q.getColumn(9).getInt() != 0}, {"ranking_ms", q.getColumn(10).getInt64()},
                   {"best_lap_ms", q.getColumn(11).getInt64()}, {"average_lap_ms", q.getColumn(12).getInt64()},
                   {"total_ms", q.getColumn(13).getInt64()}, {"off_track_count", q.getColumn(14).getInt()},
                   {"complete_laps", q.getColumn(15).getInt()}};
    j["laps"] = json::parse(q.getColumn(16).isNull() ? std::string("[]") : q.getColumn(16).getString(), nullptr, false);
  }
  return j;
}

}  // namespace

void AddSubmissionRoutes(Api& api) {
  League& league = api.league();

  api.Add("POST", "/api/v1/races/{race_id}/submissions", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const int64_t race_id = PathId(req, 1);
    auto race = league.Race(race_id);
    if (!race || !league.CanView(*race, racer->id))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (!racer->terms_accepted)
      return Problem(res, 403, "terms-required", "Accept the racing terms first",
                     "read GET /api/v1/terms and accept them with POST /api/v1/me/terms before your first submission");
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto model_id = f.Integer("model_id", true, 1, INT64_MAX);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid submission", "name the model to race", f.errors);
    // A retried POST with the same Idempotency-Key enters once: the first answer again.
    const std::string key = req.get_header_value("Idempotency-Key");
    if (req.has_header("Idempotency-Key") &&
        (key.empty() || key.size() > 128 || !std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; })))
      return Problem(res, 400, "bad-idempotency-key", "Bad Idempotency-Key", "an Idempotency-Key is 1 to 128 visible ASCII characters");
    const int64_t now = NowMs();
    if (now < race->opens_at)
      return Problem(res, 409, "race-not-open", "The race has not opened", "submissions open at " + Rfc3339(race->opens_at));
    if (now >= race->closes_at)
      return Problem(res, 409, "race-closed", "The race is closed", "the race closed at " + Rfc3339(race->closes_at));

    db::Connection& db = league.db();
    db::Transaction tx(db);  // the key's check and its insert, together
    if (!key.empty()) {
      db::Statement again(db, std::string("SELECT ") + kColumns +
                                               " FROM submissions s JOIN models m ON m.id = s.model_id WHERE s.racer_id = ? AND s.idempotency_key = ?");
      again.bind(1, racer->id);
      again.bind(2, key);
      if (again.executeStep()) {
        if (again.getColumn(1).getInt64() != race_id)
          return Problem(res, 422, "idempotency-key-reused", "Idempotency-Key reused", "this key was used for a submission to another race");
        res.set_header("Location", "/api/v1/submissions/" + std::to_string(again.getColumn(0).getInt64()));
        return WriteJson(res, 202, SubmissionJson(again, league));
      }
    }
    if (!store::FindModel(db, *model_id, racer->id))
      return Problem(res, 404, "not-found", "No such model", "you have no model " + std::to_string(*model_id), {{"model_id", "is not one of your models"}});
    db::Statement used(db, "SELECT COUNT(*) FROM submissions WHERE race_id = ? AND racer_id = ? AND status != 'CANCELLED'");
    used.bind(1, race_id);
    used.bind(2, racer->id);
    used.executeStep();
    if (used.getColumn(0).getInt() >= race->max_submissions)
      return Problem(res, 409, "submission-limit", "No submissions left",
                     "you have used all " + std::to_string(race->max_submissions) + " submissions allowed in this race");
    db::Statement waiting(db, "SELECT COUNT(*) FROM submissions WHERE racer_id = ? AND status IN ('QUEUED', 'EVALUATING')");
    waiting.bind(1, racer->id);
    waiting.executeStep();
    if (waiting.getColumn(0).getInt() >= league.config().max_waiting_per_racer) {
      res.set_header("Retry-After", "10");
      return Problem(res, 429, "quota-exceeded", "Too many waiting submissions",
                     "you have " + std::to_string(league.config().max_waiting_per_racer) +
                         " submissions waiting or being evaluated; submit again when one has finished");
    }
    db::Statement ins(db, "INSERT INTO submissions (race_id, racer_id, model_id, status, created_at, idempotency_key) "
                              "VALUES (?, ?, ?, 'QUEUED', ?, ?) RETURNING id");
    ins.bind(1, race_id);
    ins.bind(2, racer->id);
    ins.bind(3, *model_id);
    ins.bind(4, now);
    if (key.empty()) ins.bind(5);
    else ins.bind(5, key);
    ins.executeStep();
    const int64_t id = ins.getColumn(0).getInt64();
    ins.reset();
    const int64_t revision = league.BumpRevision(db, race_id);  // the "submissions" column changes
    tx.commit();
    league.PublishRevision(race_id, revision);
    league.WakeWorkers();
    league.events().Publish(race_id, "submission", json{{"id", id}, {"status", "QUEUED"}}.dump());
    league.events().Publish(race_id, "leaderboard", json{{"revision", revision}, {"changed", false}}.dump());
    db::Statement q(db, std::string("SELECT ") + kColumns + " FROM submissions s JOIN models m ON m.id = s.model_id WHERE s.id = ?");
    q.bind(1, id);
    q.executeStep();
    res.set_header("Location", "/api/v1/submissions/" + std::to_string(id));
    WriteJson(res, 202, SubmissionJson(q, league));
  });

  api.Add("GET", "/api/v1/races/{race_id}/submissions", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const auto race = league.Race(PathId(req, 1));
    if (!race || !league.CanView(*race, racer->id))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    db::Statement q(league.db(), std::string("SELECT ") + kColumns +
                                         " FROM submissions s JOIN models m ON m.id = s.model_id WHERE s.race_id = ? AND s.racer_id = ? ORDER BY s.id DESC");
    q.bind(1, PathId(req, 1));
    q.bind(2, racer->id);
    json list = json::array();
    while (q.executeStep()) list.push_back(SubmissionJson(q, league));
    WriteJson(res, 200, {{"submissions", list}});
  });

  api.Add("GET", "/api/v1/submissions/{submission_id}", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    db::Statement q(league.db(), std::string("SELECT ") + kColumns +
                                         " FROM submissions s JOIN models m ON m.id = s.model_id WHERE s.id = ? AND s.racer_id = ?");
    q.bind(1, PathId(req, 1));
    q.bind(2, racer->id);
    const bool found = q.executeStep();
    const auto race = found ? league.Race(q.getColumn(1).getInt64()) : std::nullopt;
    if (!found || !race || !league.CanView(*race, racer->id))  // e.g. removed from a community race
      return Problem(res, 404, "not-found", "No such submission", "you have no submission " + req.matches[1].str());
    WriteJson(res, 200, SubmissionJson(q, league));
  });

  // Runs anyone may watch: one's own, and any run on a leaderboard the viewer
  // may see (community races: participants only, whatever the board's visibility).
  auto watchable = [&api, &league](const httplib::Request& req, httplib::Response& res) -> std::optional<int64_t> {
    const auto racer = api.OptionalRacer(req);
    const int64_t viewer = racer ? racer->id : 0;
    db::Statement q(league.db(),
                        "SELECT s.race_id, s.racer_id, EXISTS (SELECT 1 FROM leaderboard l WHERE l.submission_id = s.id) "
                        "FROM submissions s WHERE s.id = ? AND s.trace IS NOT NULL");
    q.bind(1, PathId(req, 1));
    if (q.executeStep()) {
      const auto race = league.Race(q.getColumn(0).getInt64());
      const bool own = q.getColumn(1).getInt64() == viewer;
      const bool ranked = q.getColumn(2).getInt() != 0;
      if (race && (own || ranked) && league.CanView(*race, viewer)) return PathId(req, 1);
    }
    Problem(res, 404, "not-found", "No such run", "there is no run you may see for submission " + req.matches[1].str());
    return std::nullopt;
  };

  api.Add("GET", "/api/v1/submissions/{submission_id}/trace", [&league, watchable](const httplib::Request& req, httplib::Response& res) {
    const auto id = watchable(req, res);
    if (!id) return;
    db::Statement q(league.db(), "SELECT trace, fingerprint FROM submissions WHERE id = ?");
    q.bind(1, *id);
    q.executeStep();
    const std::string blob = q.getColumn(0).getString();
    res.set_header("X-Pitwall-Fingerprint", q.getColumn(1).getString());
    res.set_header("Content-Encoding", "deflate");  // stored deflated: clients inflate it themselves
    res.set_header("Cache-Control", "private, max-age=86400");
    res.set_content(blob,
                    "application/vnd.pitwall.trace");
  });

  // What a viewer needs to replay and verify a run: the race, the server's laps, where the trace is.
  api.Add("GET", "/api/v1/submissions/{submission_id}/run", [&league, watchable](const httplib::Request& req, httplib::Response& res) {
    const auto id = watchable(req, res);
    if (!id) return;
    db::Statement q(league.db(),
                        "SELECT s.race_id, r.alias, s.status, s.laps_json, s.ranking_ms, s.fingerprint, s.created_at FROM submissions s "
                        "JOIN racers r ON r.id = s.racer_id WHERE s.id = ?");
    q.bind(1, *id);
    q.executeStep();
    WriteJson(res, 200, {{"submission_id", *id}, {"race_id", q.getColumn(0).getInt64()}, {"alias", q.getColumn(1).getString()},
                         {"status", q.getColumn(2).getString()}, {"laps", json::parse(q.getColumn(3).getString(), nullptr, false)},
                         {"ranking_ms", q.getColumn(4).getInt64()}, {"fingerprint", q.getColumn(5).getString()},
                         {"submitted_at", Rfc3339(q.getColumn(6).getInt64())},
                         {"trace", "/api/v1/submissions/" + std::to_string(*id) + "/trace"}});
  });

  // The run step by step, re-simulated from its trace by the core, as DeepRacer's simtrace CSV.
  api.Add("GET", "/api/v1/submissions/{submission_id}/steps.csv", [&league, watchable](const httplib::Request& req, httplib::Response& res) {
    const auto id = watchable(req, res);
    if (!id) return;
    db::Statement q(league.db(), "SELECT race_id, trace FROM submissions WHERE id = ?");
    q.bind(1, *id);
    q.executeStep();
    const auto race = league.Race(q.getColumn(0).getInt64());
    const std::string blob = q.getColumn(1).getString();
    const auto raw = InflateTrace(blob);
    const auto trace = raw ? DecodeTrace(*raw) : Result<DecodedTrace>(Error{"the stored trace cannot be inflated"});
    if (!race || !race->track || !trace)
      return Problem(res, 500, "internal", "The run cannot be re-simulated", trace ? "the race's track is missing" : trace.error().message);
    const RunAnalysis run = AnalyseRun(*race->track, race->rules, trace.value().steps);
    res.set_header("Content-Disposition", "attachment; filename=\"submission-" + std::to_string(*id) + "-steps.csv\"");
    res.set_header("Cache-Control", "private, max-age=86400");
    res.set_content(SimtraceCsv(run), "text/csv; charset=utf-8");
  });

  api.Add("GET", "/api/v1/submissions/{submission_id}/laps.csv", [&league, watchable](const httplib::Request& req, httplib::Response& res) {
    const auto id = watchable(req, res);
    if (!id) return;
    db::Statement q(league.db(), "SELECT laps_json FROM submissions WHERE id = ?");
    q.bind(1, *id);
    q.executeStep();
    std::string csv = "lap,time_ms,time_s,status,off_track_count,resets,progress_pct\n";
    for (const auto& lap : json::parse(q.getColumn(0).getString(), nullptr, false)) {
      char line[160];
      const int64_t ms = lap["time_ms"];
      std::snprintf(line, sizeof line, "%d,%lld,%lld.%03lld,%s,%d,%d,%.1f\n", lap["lap"].get<int>(), static_cast<long long>(ms),
                    static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000), lap["status"].get<std::string>().c_str(),
                    lap["off_track_count"].get<int>(), lap["resets"].get<int>(), lap["progress_pct"].get<double>());
      csv += line;
    }
    res.set_header("Content-Disposition", "attachment; filename=\"submission-" + std::to_string(*id) + "-laps.csv\"");
    res.set_content(csv, "text/csv; charset=utf-8");
  });
}

}  // namespace pw::server
