// Submissions: a racer enters a model in an open race; it waits in the
// durable queue (with its position), is evaluated (with live progress), and
// ends COMPLETED with its laps or FAILED with the reason.
#include <algorithm>

#include "api.h"
#include "evaluator.h"
#include "database.h"
#include "pitwall/analysis.h"
#include "pitwall/replay.h"
#include "store/submission_store.h"

namespace pw::server {
namespace {

// `position`: where a queued submission stands, when the caller knows (else it is looked up).
json SubmissionJson(const store::SubmissionRecord& r, League& league, std::optional<int64_t> position = std::nullopt) {
  json j = {{"id", r.id}, {"race_id", r.race_id}, {"model_id", r.model_id}, {"model_name", r.model_name},
            {"status", ToString(r.status)}, {"created_at", Rfc3339(r.created_at)}};
  if (r.reason) j["reason"] = *r.reason;
  if (r.started_at) j["started_at"] = Rfc3339(*r.started_at);
  if (r.finished_at) j["finished_at"] = Rfc3339(*r.finished_at);
  if (r.status == SubmissionStatus::kQueued) j["queue_position"] = position ? *position : store::QueuePosition(league.db(), r.id);
  if (r.status == SubmissionStatus::kEvaluating) {
    const auto p = league.GetProgress(r.id);
    j["progress"] = p ? json{{"lap", p->lap}, {"lap_progress_pct", std::round(p->lap_progress_pct * 10) / 10},
                            {"progress_pct", std::round(p->total_progress_pct * 10) / 10}}
                      : json{{"lap", 1}, {"lap_progress_pct", 0.0}, {"progress_pct", 0.0}};
  }
  if (r.status == SubmissionStatus::kCompleted || r.status == SubmissionStatus::kFailed) {
    j["result"] = {{"qualified", r.qualified}, {"ranking_ms", r.ranking_ms}, {"best_lap_ms", r.best_lap_ms},
                   {"average_lap_ms", r.best_average_ms}, {"total_ms", r.total_ms}, {"off_track_count", r.off_track_count},
                   {"crash_count", r.crash_count}, {"complete_laps", r.complete_laps}};
    j["laps"] = json::parse(r.laps_json.empty() ? std::string("[]") : r.laps_json, nullptr, false);
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

    store::NewSubmission n;
    n.race_id = race_id;
    n.racer_id = racer->id;
    n.model_id = *model_id;
    n.idempotency_key = key;
    n.max_submissions = race->max_submissions;
    n.max_waiting = league.config().max_waiting_per_racer;
    n.now_ms = now;
    const store::Entry entry = store::EnterSubmission(league.db(), n);
    switch (entry.outcome) {
      case store::Entered::kKeyUsedElsewhere:
        return Problem(res, 422, "idempotency-key-reused", "Idempotency-Key reused", "this key was used for a submission to another race");
      case store::Entered::kNoSuchModel:
        return Problem(res, 404, "not-found", "No such model", "you have no model " + std::to_string(*model_id), {{"model_id", "is not one of your models"}});
      case store::Entered::kNoneLeft:
        return Problem(res, 409, "submission-limit", "No submissions left",
                       "you have used all " + std::to_string(race->max_submissions) + " submissions allowed in this race");
      case store::Entered::kTooManyWaiting:
        res.set_header("Retry-After", "10");
        return Problem(res, 429, "quota-exceeded", "Too many waiting submissions",
                       "you have " + std::to_string(league.config().max_waiting_per_racer) +
                           " submissions waiting or being evaluated; submit again when one has finished");
      case store::Entered::kRepeated:  // a retried POST: the first answer again
        break;
      case store::Entered::kQueued: {
        const int64_t id = entry.submission->id;
        league.PublishRevision(race_id, entry.revision);
        league.WakeWorkers();
        league.Publish(race_id, "submission", json{{"id", id}, {"status", "QUEUED"}}.dump());
        league.Publish(race_id, "leaderboard", json{{"revision", entry.revision}, {"changed", false}}.dump());
        break;
      }
    }
    res.set_header("Location", "/api/v1/submissions/" + std::to_string(entry.submission->id));
    WriteJson(res, 202, SubmissionJson(*entry.submission, league,
                                       entry.outcome == store::Entered::kQueued ? std::optional<int64_t>(entry.queue_position) : std::nullopt));
  });

  api.Add("GET", "/api/v1/races/{race_id}/submissions", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const auto race = league.Race(PathId(req, 1));
    if (!race || !league.CanView(*race, racer->id))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    json list = json::array();
    for (const store::SubmissionRecord& r : store::ListSubmissions(league.db(), race->id, racer->id)) list.push_back(SubmissionJson(r, league));
    WriteJson(res, 200, {{"submissions", list}});
  });

  api.Add("GET", "/api/v1/submissions/{submission_id}", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto found = store::FindSubmission(league.db(), PathId(req, 1));
    if (found && found->racer_id != racer->id) found.reset();
    const auto race = found ? league.Race(found->race_id) : std::nullopt;
    if (!found || !race || !league.CanView(*race, racer->id))  // e.g. removed from a community race
      return Problem(res, 404, "not-found", "No such submission", "you have no submission " + req.matches[1].str());
    WriteJson(res, 200, SubmissionJson(*found, league));
  });

  // Runs anyone may watch: one's own, and any run on a leaderboard the viewer
  // may see (community races: participants only, whatever the board's visibility).
  auto watchable = [&api, &league](const httplib::Request& req, httplib::Response& res) -> std::optional<store::StoredRun> {
    const auto racer = api.OptionalRacer(req);
    const int64_t viewer = racer ? racer->id : 0;
    if (const auto access = store::FindRunAccess(league.db(), PathId(req, 1))) {
      const auto race = league.Race(access->race_id);
      if (race && (access->racer_id == viewer || access->ranked) && league.CanView(*race, viewer)) return store::FindRun(league.db(), PathId(req, 1));
    }
    Problem(res, 404, "not-found", "No such run", "there is no run you may see for submission " + req.matches[1].str());
    return std::nullopt;
  };

  api.Add("GET", "/api/v1/submissions/{submission_id}/trace", [watchable](const httplib::Request& req, httplib::Response& res) {
    const auto run = watchable(req, res);
    if (!run) return;
    res.set_header("X-Pitwall-Fingerprint", run->fingerprint);
    res.set_header("Content-Encoding", "deflate");  // stored deflated: clients inflate it themselves
    res.set_header("Cache-Control", "private, max-age=86400");
    res.set_content(run->trace, "application/vnd.pitwall.trace");
  });

  // What a viewer needs to replay and verify a run: the race, the server's laps, where the trace is.
  api.Add("GET", "/api/v1/submissions/{submission_id}/run", [watchable](const httplib::Request& req, httplib::Response& res) {
    const auto run = watchable(req, res);
    if (!run) return;
    const store::SubmissionRecord& s = run->submission;
    WriteJson(res, 200, {{"submission_id", s.id}, {"race_id", s.race_id}, {"alias", run->alias},
                         {"status", ToString(s.status)}, {"laps", json::parse(s.laps_json, nullptr, false)},
                         {"ranking_ms", s.ranking_ms}, {"fingerprint", run->fingerprint},
                         {"submitted_at", Rfc3339(s.created_at)},
                         {"trace", "/api/v1/submissions/" + std::to_string(s.id) + "/trace"}});
  });

  // The run step by step, re-simulated from its trace by the core, as DeepRacer's simtrace CSV.
  api.Add("GET", "/api/v1/submissions/{submission_id}/steps.csv", [&league, watchable](const httplib::Request& req, httplib::Response& res) {
    const auto stored = watchable(req, res);
    if (!stored) return;
    const int64_t id = stored->submission.id;
    const auto race = league.Race(stored->submission.race_id);
    const auto raw = InflateTrace(stored->trace);
    const auto trace = raw ? DecodeTrace(*raw) : Result<DecodedTrace>(Error{"the stored trace cannot be inflated"});
    if (!race || !race->track || !trace)
      return Problem(res, 500, "internal", "The run cannot be re-simulated", trace ? "the race's track is missing" : trace.error().message);
    const RunAnalysis run = AnalyseRun(*race->track, race->rules, trace.value().steps, ReplayConfig(trace.value()));
    res.set_header("Content-Disposition", "attachment; filename=\"submission-" + std::to_string(id) + "-steps.csv\"");
    res.set_header("Cache-Control", "private, max-age=86400");
    res.set_content(SimtraceCsv(run), "text/csv; charset=utf-8");
  });

  api.Add("GET", "/api/v1/submissions/{submission_id}/laps.csv", [watchable](const httplib::Request& req, httplib::Response& res) {
    const auto run = watchable(req, res);
    if (!run) return;
    const int64_t id = run->submission.id;
    std::string csv = "lap,time_ms,time_s,status,off_track_count,crash_count,resets,progress_pct\n";
    for (const auto& lap : json::parse(run->submission.laps_json, nullptr, false)) {
      char line[160];
      const int64_t ms = lap["time_ms"];
      std::snprintf(line, sizeof line, "%d,%lld,%lld.%03lld,%s,%d,%d,%d,%.1f\n", lap["lap"].get<int>(), static_cast<long long>(ms),
                    static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000), lap["status"].get<std::string>().c_str(),
                    lap["off_track_count"].get<int>(), lap.value("crash_count", 0), lap["resets"].get<int>(), lap["progress_pct"].get<double>());
      csv += line;
    }
    res.set_header("Content-Disposition", "attachment; filename=\"submission-" + std::to_string(id) + "-laps.csv\"");
    res.set_content(csv, "text/csv; charset=utf-8");
  });
}

}  // namespace pw::server
