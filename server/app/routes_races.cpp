// League races: tracks, creating and listing races, the live leaderboard
// (ETag from the race's revision, 304, CORS) and its Server-Sent Events stream.
#include <mutex>

#include "api.h"
#include "database.h"
#include "pitwall/track_io.h"
#include "pitwall/track_library.h"

namespace pw::server {
namespace {

json TrackSummary(const Track& t) {
  const TrackStats& s = t.stats();
  return {{"id", t.id()}, {"name", t.name()}, {"length_m", s.length_m}, {"mean_width_m", s.mean_width_m},
          {"min_width_m", s.min_width_m}, {"max_width_m", s.max_width_m},
          {"min_radius_m", std::isinf(s.min_radius_m) ? json() : json(s.min_radius_m)},
          {"direction", !t.closed() ? "open" : (s.clockwise ? "CW" : "CCW")}, {"waypoints", s.waypoints}};
}

std::string RaceStatus(const RaceInfo& r, int64_t now) {
  if (now < r.opens_at) return "UPCOMING";
  if (now >= r.closes_at) return "CLOSED";
  return "OPEN";
}

json RaceJson(const RaceInfo& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"kind", r.kind},
          {"race_type", r.race_type},
          {"status", RaceStatus(r, NowMs())},
          {"track", TrackSummary(*r.track)},
          {"timing_method", ToString(r.rules.timing)},
          {"laps", r.rules.laps},
          {"min_laps", r.rules.min_laps},
          {"lap_mode", ToString(r.rules.lap_mode)},
          {"reset_on_off_track", r.rules.reset_on_off_track},
          {"off_track_penalty_ms", r.rules.off_track_penalty_ms},
          {"opens_at", Rfc3339(r.opens_at)},
          {"closes_at", Rfc3339(r.closes_at)},
          {"max_submissions", r.max_submissions},
          {"revision", r.revision}};
}

// The whole leaderboard of a race at one revision, built once and sliced per request.
struct BoardCache {
  std::mutex mu;
  std::map<int64_t, std::pair<int64_t, std::shared_ptr<const json>>> boards;
};

std::shared_ptr<const json> Board(League& league, BoardCache& cache, int64_t race_id, int64_t revision) {
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.boards.find(race_id);
    if (it != cache.boards.end() && it->second.first == revision) return it->second.second;
  }
  SQLite::Statement q(league.db(),
                      "SELECT r.alias, s.id, s.ranking_ms, s.best_lap_ms, s.best_average_ms, s.total_ms, s.off_track_count, s.created_at, "
                      "(SELECT COUNT(*) FROM submissions c WHERE c.race_id = l.race_id AND c.racer_id = l.racer_id AND c.status != 'CANCELLED') "
                      "FROM leaderboard l JOIN submissions s ON s.id = l.submission_id JOIN racers r ON r.id = l.racer_id "
                      "WHERE l.race_id = ? ORDER BY l.ranking_ms, l.submission_id");
  q.bind(1, race_id);
  auto entries = std::make_shared<json>(json::array());
  int64_t leader = 0;
  while (q.executeStep()) {
    const int64_t ranking = q.getColumn(2).getInt64();
    if (entries->empty()) leader = ranking;
    entries->push_back({{"rank", static_cast<int>(entries->size()) + 1},
                        {"alias", q.getColumn(0).getString()},
                        {"submission_id", q.getColumn(1).getInt64()},
                        {"ranking_ms", ranking},
                        {"best_lap_ms", q.getColumn(3).getInt64()},
                        {"average_lap_ms", q.getColumn(4).getInt64()},
                        {"total_ms", q.getColumn(5).getInt64()},
                        {"off_track_count", q.getColumn(6).getInt()},
                        {"submissions", q.getColumn(8).getInt()},
                        {"gap_ms", ranking - leader},
                        {"submitted_at", Rfc3339(q.getColumn(7).getInt64())}});
  }
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.boards[race_id] = {revision, entries};
  return entries;
}

}  // namespace

void AddRaceRoutes(Api& api) {
  League& league = api.league();
  auto cache = std::make_shared<BoardCache>();

  api.Add("GET", "/api/v1/tracks", [](const httplib::Request&, httplib::Response& res) {
    json list = json::array();
    for (const std::string& id : BuiltinTrackIds()) list.push_back(TrackSummary(BuiltinTrack(id).value()));
    PublicCors(res);
    WriteJson(res, 200, {{"tracks", list}});
  });

  api.Add("GET", "/api/v1/tracks/{track_id}", [](const httplib::Request& req, httplib::Response& res) {
    auto track = BuiltinTrack(req.matches[1].str());
    if (!track) return Problem(res, 404, "not-found", "No such track", track.error().message);
    PublicCors(res);
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_content(WritePitwallTrack(track.value()), "application/json");
  });

  api.Add("POST", "/api/v1/races", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (!racer->admin()) return Problem(res, 403, "forbidden", "Admins only", "only an admin can create league races");
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto name = f.String("name", true, 1, 80);
    const auto description = f.String("description", false, 0, 2000);
    const auto track_id = f.String("track_id", true, 1, 64);
    const auto race_type = f.String("race_type", false, 1, 32);
    const auto timing = f.String("timing_method", false, 1, 32);
    const auto lap_mode = f.String("lap_mode", false, 1, 32);
    const auto laps = f.Integer("laps", false, 1, 10);
    const auto min_laps = f.Integer("min_laps", false, 1, 10);
    const auto resets = f.Boolean("reset_on_off_track", false);
    const auto penalty = f.Integer("off_track_penalty_ms", false, 0, 10000);
    const auto opens = f.Time("opens_at", false);
    const auto closes = f.Time("closes_at", true);
    const auto max_subs = f.Integer("max_submissions", false, 1, 1000);
    RaceRules rules = DefaultRaceRules();
    if (race_type && *race_type != "TIME_TRIAL") f.errors.push_back({"race_type", "only TIME_TRIAL races are run so far"});
    if (timing && !ParseTimingMethod(*timing, rules.timing))
      f.errors.push_back({"timing_method", "must be BEST_LAP_TIME, AVG_LAP_TIME or TOTAL_TIME"});
    if (lap_mode && !ParseLapMode(*lap_mode, rules.lap_mode)) f.errors.push_back({"lap_mode", "must be CONTINUOUS or STANDING_START"});
    std::optional<Track> track;
    if (track_id) {
      auto t = BuiltinTrack(*track_id);
      if (t) track = std::move(t).value();
      else f.errors.push_back({"track_id", t.error().message});
    }
    if (laps) rules.laps = static_cast<int>(*laps);
    rules.min_laps = min_laps ? static_cast<int>(*min_laps) : std::min(rules.min_laps, rules.laps);
    if (resets) rules.reset_on_off_track = *resets;
    if (penalty) rules.off_track_penalty_ms = static_cast<int>(*penalty);
    if (f.errors.empty())
      for (const FieldError& e : ValidateRules(rules)) f.errors.push_back(e);
    const int64_t opens_at = opens.value_or(NowMs());
    if (closes && *closes <= opens_at) f.errors.push_back({"closes_at", "must be after opens_at"});
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid race", "the race could not be created", f.errors);

    SQLite::Statement ins(league.db(),
                          "INSERT INTO races (name, description, kind, race_type, track_id, track_json, timing_method, laps, min_laps, "
                          "lap_mode, reset_on_off_track, off_track_penalty_ms, opens_at, closes_at, max_submissions, created_by, created_at) "
                          "VALUES (?, ?, 'LEAGUE', 'TIME_TRIAL', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, *name);
    ins.bind(2, description.value_or(""));
    ins.bind(3, track->id());
    ins.bind(4, WritePitwallTrack(*track));
    ins.bind(5, ToString(rules.timing));
    ins.bind(6, rules.laps);
    ins.bind(7, rules.min_laps);
    ins.bind(8, ToString(rules.lap_mode));
    ins.bind(9, rules.reset_on_off_track ? 1 : 0);
    ins.bind(10, rules.off_track_penalty_ms);
    ins.bind(11, opens_at);
    ins.bind(12, *closes);
    ins.bind(13, max_subs.value_or(99));
    ins.bind(14, racer->id);
    ins.bind(15, NowMs());
    ins.executeStep();
    const int64_t id = ins.getColumn(0).getInt64();
    ins.reset();
    res.set_header("Location", "/api/v1/races/" + std::to_string(id));
    WriteJson(res, 201, RaceJson(*league.Race(id)));
  });

  api.Add("GET", "/api/v1/races", [&league](const httplib::Request& req, httplib::Response& res) {
    const std::string want = req.has_param("status") ? req.get_param_value("status") : "all";
    if (want != "all" && want != "open" && want != "upcoming" && want != "closed")
      return Problem(res, 400, "bad-parameter", "Bad status filter", "status must be open, upcoming, closed or all",
                     {{"status", "must be open, upcoming, closed or all"}});
    SQLite::Statement q(league.db(), "SELECT id FROM races WHERE kind = 'LEAGUE' ORDER BY closes_at, id");
    json list = json::array();
    const int64_t now = NowMs();
    while (q.executeStep()) {
      auto race = league.Race(q.getColumn(0).getInt64());
      if (!race) continue;
      std::string status = RaceStatus(*race, now);
      for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (want == "all" || want == status) list.push_back(RaceJson(*race));
    }
    PublicCors(res);
    WriteJson(res, 200, {{"races", list}});
  });

  api.Add("GET", "/api/v1/races/{race_id}", [&league](const httplib::Request& req, httplib::Response& res) {
    auto race = league.Race(PathId(req, 1));
    if (!race) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    PublicCors(res);
    WriteJson(res, 200, RaceJson(*race));
  });

  api.Add("GET", "/api/v1/races/{race_id}/track", [&league](const httplib::Request& req, httplib::Response& res) {
    auto race = league.Race(PathId(req, 1));
    if (!race) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    PublicCors(res);
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_content(WritePitwallTrack(*race->track), "application/json");
  });

  api.Add("GET", "/api/v1/races/{race_id}/leaderboard", [&league, cache](const httplib::Request& req, httplib::Response& res) {
    const int64_t race_id = PathId(req, 1);
    const int64_t revision = league.Revision(race_id);
    if (revision == 0) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    int64_t offset = 0, limit = 50;
    try {
      if (req.has_param("offset")) offset = std::stoll(req.get_param_value("offset"));
      if (req.has_param("limit")) limit = std::stoll(req.get_param_value("limit"));
    } catch (...) {
      offset = -1;
    }
    if (offset < 0 || limit < 1 || limit > 200)
      return Problem(res, 400, "bad-parameter", "Bad pagination", "offset must be 0 or more and limit 1 to 200");
    const std::string etag = "\"" + std::to_string(race_id) + "-" + std::to_string(revision) + "\"";
    PublicCors(res);
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "public, no-cache");
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    const auto board = Board(league, *cache, race_id, revision);
    json page = json::array();
    for (int64_t i = offset; i < std::min<int64_t>(offset + limit, static_cast<int64_t>(board->size())); ++i)
      page.push_back((*board)[static_cast<size_t>(i)]);
    WriteJson(res, 200, {{"race_id", race_id}, {"revision", revision}, {"total", board->size()}, {"offset", offset},
                         {"limit", limit}, {"entries", page}});
  });

  api.Add("GET", "/api/v1/races/{race_id}/events", [&league](const httplib::Request& req, httplib::Response& res) {
    const int64_t race_id = PathId(req, 1);
    if (!league.Race(race_id)) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (league.open_streams.fetch_add(1) >= league.config().max_streams) {
      --league.open_streams;
      res.set_header("Retry-After", "5");
      return Problem(res, 503, "too-many-streams", "Too many live streams",
                     "the server follows at most " + std::to_string(league.config().max_streams) + " live streams at once; retry shortly");
    }
    auto last = std::make_shared<int64_t>(league.events().LastId(race_id));
    if (req.has_header("Last-Event-ID")) {
      try {
        *last = std::stoll(req.get_header_value("Last-Event-ID"));
      } catch (...) {
      }
    }
    auto greeted = std::make_shared<bool>(false);
    PublicCors(res);
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [&league, race_id, last, greeted](size_t, httplib::DataSink& sink) {
          if (league.stopping) return false;
          if (!*greeted) {
            *greeted = true;
            const std::string hello = "retry: 3000\nevent: hello\ndata: " + json{{"revision", league.Revision(race_id)}}.dump() + "\n\n";
            return sink.write(hello.data(), hello.size());
          }
          const auto events = league.events().WaitAfter(race_id, *last, 15000);
          if (league.stopping || !sink.is_writable()) return false;
          std::string out = events.empty() ? ": keep-alive\n\n" : "";
          for (const RaceEvent& e : events) {
            out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
            *last = e.id;
          }
          return sink.write(out.data(), out.size());
        },
        [&league](bool) { --league.open_streams; });
  });
}

}  // namespace pw::server
