// The app's side of the Pitwall API: JSON in and out, the server's problem
// details turned into words, and the refreshes screens ask for.
#include <algorithm>

#include "../platform/page.h"
#include "../platform/http.h"
#include "pitwall/track_io.h"
#include "pitwall/json_codec.h"
#include "state.h"
#include "pitwall/league.h"

namespace pw::web {
namespace {

ApiResult ToResult(const HttpResponse& r) {
  ApiResult out;
  out.status = r.status;
  out.etag = r.etag;
  if (r.status == 0) {
    out.problem = "the server cannot be reached (" + r.network_error + ")";
    return out;
  }
  out.body = json::parse(r.body, nullptr, false);
  if (out.body.is_discarded()) out.body = json();
  if (!out.ok() && r.status != 304) {
    if (out.body.is_object() && out.body.contains("detail")) {
      out.problem = out.body.value("detail", std::string());
      if (out.body.contains("errors"))
        for (const auto& e : out.body["errors"])
          if (e.value("message", std::string()) != out.problem)
            out.problem += "\n  " + e.value("field", std::string()) + ": " + e.value("message", std::string());
    } else {
      out.problem = "HTTP " + std::to_string(r.status);
    }
  }
  return out;
}

std::string Headers(const AppState& s, const std::string& content_type, const std::string& extra = "") {
  std::string h;
  if (!content_type.empty()) h += "Content-Type: " + content_type + "\n";
  if (!s.token.empty()) h += "Authorization: Bearer " + s.token + "\n";
  return h + extra;
}

}  // namespace

void ShowError(AppState& s, const std::string& message) { s.errors.push_back({message, NowMs() + 8000}); }

void ApiCall(AppState& s, const std::string& method, const std::string& path, const json& body, std::function<void(const ApiResult&)> done,
             const std::string& idempotency_key) {
  ++s.pending;
  const bool has_body = !body.is_null();
  std::string headers = Headers(s, has_body ? "application/json" : "");
  if (!idempotency_key.empty()) headers += "Idempotency-Key: " + idempotency_key + "\n";
  HttpRequest(method, "/api/v1" + path, has_body ? body.dump() : std::string(), headers,
              [&s, done](const HttpResponse& r) {
                --s.pending;
                done(ToResult(r));
              });
}

void ApiUpload(AppState& s, const std::string& path, const std::string& bytes, const std::string& content_type,
               std::function<void(const ApiResult&)> done) {
  ++s.pending;
  HttpRequest("POST", "/api/v1" + path, bytes, Headers(s, content_type), [&s, done](const HttpResponse& r) {
    --s.pending;
    done(ToResult(r));
  });
}

void ApiGetRaw(AppState& s, const std::string& path, std::function<void(int, const std::string&)> done) {
  ++s.pending;
  HttpRequest("GET", "/api/v1" + path, "", Headers(s, ""), [&s, done](const HttpResponse& r) {
    --s.pending;
    done(r.status, r.body);
  });
}

void LoadMe(AppState& s) {
  if (s.token.empty()) return;
  ApiCall(s, "GET", "/me", nullptr, [&s](const ApiResult& r) {
    if (r.ok()) {
      s.me = r.body;
      RefreshRaces(s);
      RefreshModels(s);
    } else if (r.status == 401) {
      SignOut(s);
    }
  });
}

void SignOut(AppState& s) {
  if (!s.token.empty()) ApiCall(s, "DELETE", "/sessions/current", nullptr, [](const ApiResult&) {});
  s.token.clear();
  s.me = nullptr;
  s.models = json::array();
  s.my_races = json::array();
  s.my_submissions.clear();
  s.forms.clear();  // nothing typed stays in the page after sign-out
  // Nor anything the screens kept, nor runs and trials of this racer's.
  ++s.session;
  s.garage = GarageScreen{};
  s.join = JoinScreen{};
  s.organiser = OrganiserScreen{};
  s.race_screen = RaceScreen{};
  s.garage_trial.reset();
  s.compare_trial.reset();
  s.compare_submission = s.compare_race = 0;
  s.compare_title.clear();
  s.compare_server_laps = nullptr;
  s.watch.clear();
  s.analysis = AnalysisView{};
  s.fetched_runs.clear();
  s.submitting.clear();
  s.submitted_note.clear();
  SaveSetting("pitwall.token", "");
}

void RefreshRaces(AppState& s) {
  ApiCall(s, "GET", "/races", nullptr, [&s](const ApiResult& r) {
    if (!r.ok()) return ShowError(s, "Races: " + r.problem);
    s.races = r.body["races"];
    for (const auto& race : s.races) LoadRace(s, race["id"].get<int64_t>());
  });
  if (s.signed_in())
    ApiCall(s, "GET", "/me/races", nullptr, [&s](const ApiResult& r) {
      if (!r.ok()) return;
      s.my_races = r.body["races"];
      for (const auto& race : s.my_races) LoadRace(s, race["id"].get<int64_t>());
    });
}

void RefreshModels(AppState& s) {
  if (!s.signed_in()) return;
  ApiCall(s, "GET", "/models", nullptr, [&s](const ApiResult& r) {
    if (r.ok()) s.models = r.body["models"];
  });
}

void RefreshTracks(AppState& s) {
  ApiCall(s, "GET", "/tracks", nullptr, [&s](const ApiResult& r) {
    if (!r.ok()) return;
    s.tracks = r.body["tracks"];
    for (const auto& t : s.tracks) {
      const std::string id = t["id"];
      if (s.builtin_tracks.count(id)) continue;
      ApiGetRaw(s, "/tracks/" + id, [&s, id](int status, const std::string& body) {
        if (status != 200) return;
        auto track = ImportTrack(body, id + ".json");
        if (track) s.builtin_tracks[id] = std::make_shared<const Track>(std::move(track).value());
      });
    }
  });
}

// The race's boxes or bots, once both its rules and its track are in (they come in either order).
static void UpdateCourse(AppState& s, int64_t race_id) {
  if (s.race_detail.count(race_id) && s.race_detail[race_id].contains("rules") && s.race_tracks.count(race_id))
    s.race_courses[race_id] = MakeCourseView(s.race_tracks[race_id], RulesOf(s.race_detail[race_id]));
}

void LoadRace(AppState& s, int64_t race_id) {
  ApiCall(s, "GET", "/races/" + std::to_string(race_id), nullptr, [&s, race_id](const ApiResult& r) {
    if (r.ok()) s.race_detail[race_id] = r.body;
    else if (r.status == 404) s.race_detail[race_id] = json{{"missing", true}, {"problem", r.problem}};
    UpdateCourse(s, race_id);
  });
  if (!s.race_tracks.count(race_id))
    ApiGetRaw(s, "/races/" + std::to_string(race_id) + "/track", [&s, race_id](int status, const std::string& body) {
      if (status != 200) return;
      auto track = ImportTrack(body, "race.json");
      if (track) {
        s.race_tracks[race_id] = std::make_shared<const Track>(std::move(track).value());
        UpdateCourse(s, race_id);
      }
    });
  PollRace(s, race_id);
}

// The leaderboard (with its ETag, so an unchanged board costs a 304) and my submissions.
void PollRace(AppState& s, int64_t race_id) {
  s.next_poll_ms[race_id] = NowMs() + 1500;
  const std::string etag = s.leaderboard_etags[race_id];
  ++s.pending;
  HttpRequest("GET", "/api/v1/races/" + std::to_string(race_id) + "/leaderboard?limit=200", "",
              Headers(s, "", etag.empty() ? "" : "If-None-Match: " + etag + "\n"), [&s, race_id](const HttpResponse& h) {
                --s.pending;
                const ApiResult r = ToResult(h);
                if (r.status == 200) {
                  auto entries = LeaderboardEntriesFromJson(r.body.is_object() ? r.body.value("entries", json()) : json());
                  if (!entries) return ShowError(s, "The leaderboard cannot be read: " + entries.error().message);
                  s.leaderboards[race_id] = std::move(entries).value();
                  s.leaderboard_etags[race_id] = r.etag;
                  // The runs people watch and compare first, fetched ahead (a few KB each; they never change).
                  const auto& board = s.leaderboards[race_id];
                  for (size_t i = 0; i < board.size() && i < 3; ++i) PrefetchRun(s, board[i].submission_id);
                }
              });
  if (s.signed_in())
    ApiCall(s, "GET", "/races/" + std::to_string(race_id) + "/submissions", nullptr, [&s, race_id](const ApiResult& r) {
      if (!r.ok()) return;
      s.my_submissions[race_id] = r.body["submissions"];
      for (const auto& sub : r.body["submissions"])
        if (SubmissionStatus st; ParseSubmissionStatus(sub.value("status", ""), st) && !IsFinal(st)) s.next_poll_ms[race_id] = NowMs() + 400;  // follow it closely
    });
}

const char* TimingLabel(TimingMethod method) {
  switch (method) {
    case TimingMethod::kBestLap: return "best lap";
    case TimingMethod::kAverageLap: return "best average";
    case TimingMethod::kTotalTime: return "total time";
  }
  return "?";
}

std::string TrackName(const AppState& s, const std::string& id) {
  for (const auto& t : s.tracks)
    if (t.value("id", std::string()) == id) return t.value("name", id);
  return id;
}

RaceRules RulesOf(const json& race) {
  // Every rule, as the server runs the race (the core's codec); the defaults if a server sends none.
  if (race.contains("rules"))
    if (auto rules = RulesFromJson(race["rules"])) return rules.value();
  return DefaultRaceRules();
}

std::string Secs(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

std::string ShortTime(const std::string& t) {
  // 2026-11-21T10:49:42.032Z -> 2026-11-21 10:49 UTC
  return t.size() >= 16 ? t.substr(0, 10) + " " + t.substr(11, 5) + " UTC" : t;
}

}  // namespace pw::web
