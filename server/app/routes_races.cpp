// League races: tracks, creating and listing races, the live leaderboard
// (ETag from the race's revision, 304, CORS) and its Server-Sent Events stream.
#include <mutex>

#include <sodium.h>

#include "api.h"
#include "edge_policy.h"
#include "race_settings.h"
#include "database.h"
#include "store/submission_store.h"
#include "pitwall/json_codec.h"
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

}  // namespace

// A CSV field, quoted when needed; text that a spreadsheet would run as a
// formula (=, +, -, @) is prefixed with a quote mark, so it stays text.
std::string CsvField(const std::string& text) {
  std::string v = text;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Secs(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

std::string RaceStatus(const RaceInfo& r, int64_t now) {
  if (now < r.opens_at) return "UPCOMING";
  if (now >= r.closes_at) return "CLOSED";
  return "OPEN";
}

json RaceJson(const RaceInfo& r) {
  json j = {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"kind", ToString(r.kind)},
          {"race_type", ToString(r.rules.race_type)},
          {"status", RaceStatus(r, NowMs())},
          {"track", TrackSummary(*r.track)},
          {"timing_method", ToString(r.rules.timing)},
          {"laps", r.rules.laps},
          {"min_laps", r.rules.min_laps},
          {"lap_mode", ToString(r.rules.lap_mode)},
          {"reset_on_off_track", r.rules.reset_on_off_track},
          {"off_track_penalty_ms", r.rules.off_track_penalty_ms},
          {"rules", RulesToJson(r.rules)},  // every rule, in the core's codec (what a trial of this race runs with)
          {"opens_at", Rfc3339(r.opens_at)},
          {"closes_at", Rfc3339(r.closes_at)},
          {"max_submissions", r.max_submissions},
          {"revision", r.revision},
          {"organiser_id", r.created_by}};
  if (r.kind == RaceKind::kCommunity) j["visibility"] = ToString(r.visibility);
  return j;
}

namespace {

// The whole leaderboard of a race at one revision, built once and sliced per request.
struct BoardCache {
  std::mutex mu;
  std::map<int64_t, std::pair<int64_t, std::shared_ptr<const json>>> boards;
  // Rendered pages of the current revision, by (offset, limit): a poll that
  // finds nothing new costs no JSON work. A few per race (widgets ask the same).
  struct Pages {
    int64_t revision = -1;
    std::map<std::pair<int64_t, int64_t>, std::shared_ptr<const std::string>> by_window;
  };
  std::map<int64_t, Pages> pages;
};

std::shared_ptr<const json> Board(League& league, BoardCache& cache, int64_t race_id, int64_t revision) {
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    auto it = cache.boards.find(race_id);
    if (it != cache.boards.end() && it->second.first == revision) return it->second.second;
  }
  json list = json::array();
  for (const LeaderboardEntry& e : store::Leaderboard(league.db(), race_id)) list.push_back(LeaderboardEntryToJson(e));
  auto entries = std::make_shared<const json>(std::move(list));
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.boards[race_id] = {revision, entries};
  return entries;
}

}  // namespace

RaceSettings ReadRaceSettings(FieldReader& f, bool community) {
  RaceSettings s;
  s.name = f.String("name", true, 1, 80);
  s.description = f.String("description", false, 0, 2000);
  const auto track_id = f.String("track_id", !community || !f.body.contains("track_file"), 1, 64);
  const auto race_type = f.String("race_type", false, 1, 32);
  const auto collision_penalty = f.Integer("collision_penalty_ms", false, 0, 10000);
  const auto course_seed = f.Integer("course_seed", false, 0, 2147483647);
  const auto obstacle_count = f.Integer("obstacle_count", false, 1, kMaxObstacles);
  const auto random_obstacles = f.Boolean("random_obstacles", false);
  const auto timing = f.String("timing_method", false, 1, 32);
  const auto lap_mode = f.String("lap_mode", false, 1, 32);
  const auto laps = f.Integer("laps", false, 1, 10);
  const auto min_laps = f.Integer("min_laps", false, 1, 10);
  const auto resets = f.Boolean("reset_on_off_track", false);
  const auto penalty = f.Integer("off_track_penalty_ms", false, 0, 10000);
  const auto opens = f.Time("opens_at", false);
  s.closes_at = f.Time("closes_at", true);
  s.max_submissions = f.Integer("max_submissions", false, 1, 1000);
  if (community) {
    BoardVisibility v;
    if (const auto visibility = f.String("visibility", false, 1, 20)) {
      if (ParseBoardVisibility(*visibility, v)) s.visibility = v;
      else f.errors.push_back({"visibility", "must be public or participants"});
    }
  }
  RaceRules& rules = s.rules;
  rules = DefaultRaceRules();
  // The race type and what it puts on the track (docs/RACE_RULES.md); the core's ValidateRules checks ranges.
  if (race_type && !ParseRaceType(*race_type, rules.race_type))
    f.errors.push_back({"race_type", "must be TIME_TRIAL, OBJECT_AVOIDANCE or HEAD_TO_BOT"});
  if (collision_penalty) rules.collision_penalty_ms = static_cast<int>(*collision_penalty);
  // Every racer of the race meets the same course: boxes and lane changes drawn from this seed.
  rules.course_seed = course_seed ? static_cast<uint32_t>(*course_seed) : randombytes_uniform(2147483647u);
  if (f.body.contains("obstacles")) {
    auto list = ObstaclesFromJson(f.body["obstacles"]);
    if (list) rules.obstacles = std::move(list).value();
    else f.errors.push_back({"obstacles", list.error().message});
  }
  // Boxes listed: they are the placement, unless the organiser says otherwise.
  rules.random_obstacles = random_obstacles.value_or(!f.body.contains("obstacles"));
  rules.obstacle_count = obstacle_count ? static_cast<int>(*obstacle_count)
                                        : (rules.random_obstacles ? 3 : static_cast<int>(rules.obstacles.size()));
  if (f.body.contains("bots")) {
    auto list = BotsFromJson(f.body["bots"]);
    if (list) rules.bots = std::move(list).value();
    else f.errors.push_back({"bots", list.error().message});
  }
  if (timing && !ParseTimingMethod(*timing, rules.timing))
    f.errors.push_back({"timing_method", "must be BEST_LAP_TIME, AVG_LAP_TIME or TOTAL_TIME"});
  if (lap_mode && !ParseLapMode(*lap_mode, rules.lap_mode)) f.errors.push_back({"lap_mode", "must be CONTINUOUS or STANDING_START"});
  if (track_id) {
    auto t = BuiltinTrack(*track_id);
    if (t) s.track = std::move(t).value();
    else f.errors.push_back({"track_id", t.error().message});
  } else if (community && f.body.contains("track_file")) {
    // An organiser's own track: {"name": "my_track.npy", "data_base64": "..."} through the importer.
    const json& file = f.body["track_file"];
    if (!file.is_object() || !file.contains("name") || !file["name"].is_string() || !file.contains("data_base64") ||
        !file["data_base64"].is_string()) {
      f.errors.push_back({"track_file", "must be {\"name\": \"track.npy\", \"data_base64\": \"...\"} (.npy, .csv or Pitwall .json)"});
    } else {
      const std::string b64 = file["data_base64"].get<std::string>();
      std::string bytes(b64.size(), '\0');
      size_t len = 0;
      if (b64.size() > 24u * 1024u * 1024u ||
          sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), b64.data(), b64.size(), " \n\r", &len,
                            nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
        f.errors.push_back({"track_file", "data_base64 is not valid base64"});
      } else {
        bytes.resize(len);
        std::string name = file["name"].get<std::string>();
        name = name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
        auto t = ImportTrack(bytes, name);
        if (t) s.track = std::move(t).value();
        else f.errors.push_back({"track_file", t.error().message});
      }
    }
  }
  if (laps) rules.laps = static_cast<int>(*laps);
  rules.min_laps = min_laps ? static_cast<int>(*min_laps) : std::min(rules.min_laps, rules.laps);
  if (resets) rules.reset_on_off_track = *resets;
  if (penalty) rules.off_track_penalty_ms = static_cast<int>(*penalty);
  if (f.errors.empty())
    for (const FieldError& e : ValidateRules(rules)) f.errors.push_back(e);
  s.opens_at = opens.value_or(NowMs());
  if (s.closes_at && *s.closes_at <= *s.opens_at) f.errors.push_back({"closes_at", "must be after opens_at"});
  if (s.track && !s.track->closed()) f.errors.push_back({"track_file", "races need a closed loop; this track is an open segment"});
  return s;
}

// Whether this request may see the race's leaderboard; signs the viewer in only when it matters.
static bool LeaderboardVisible(Api& api, League& league, const std::optional<RaceInfo>& race, const httplib::Request& req) {
  if (!race) return false;
  if (League::BoardIsPublic(*race)) return true;
  const auto racer = api.OptionalRacer(req);
  return racer && league.IsMember(*race, racer->id);
}

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
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader kinds{*body, {}};
    RaceKind kind = RaceKind::kLeague;
    if (const auto named = kinds.String("kind", false, 1, 20); !kinds.errors.empty() || (named && !ParseRaceKind(*named, kind)))
      return Problem(res, 422, "validation", "Invalid race", "kind must be LEAGUE or COMMUNITY", {{"kind", "must be LEAGUE or COMMUNITY"}});
    const bool community = kind == RaceKind::kCommunity;
    if (!community && !racer->admin())
      return Problem(res, 403, "forbidden", "Admins only", "only an admin can create league races; any racer can create a COMMUNITY race");
    if (community) {
      const int64_t day_ago = NowMs() - 24 * 3600 * 1000;
      const store::RecentRaces recent = store::CommunityRacesSince(league.db(), racer->id, day_ago);
      if (recent.count >= league.config().community_races_per_day) {
        const int64_t wait_s = std::max<int64_t>(1, (recent.oldest_at - day_ago + 999) / 1000);
        res.set_header("Retry-After", std::to_string(wait_s));
        return Problem(res, 429, "quota-exceeded", "Too many new races",
                       "you created " + std::to_string(league.config().community_races_per_day) +
                           " community races in the last 24 hours, the most a racer may; retry in " + std::to_string(wait_s) + " s");
      }
    }
    FieldReader f{*body, {}};
    RaceSettings settings = ReadRaceSettings(f, community);
    std::optional<int64_t> invite_uses;
    if (community && body->contains("invitation")) {
      if (!(*body)["invitation"].is_object()) {
        f.errors.push_back({"invitation", "must be an object {max_uses}"});
      } else {
        FieldReader inv{(*body)["invitation"], {}};
        invite_uses = inv.Integer("max_uses", false, 1, 100000);
        for (auto& e : inv.errors) f.errors.push_back({"invitation." + e.field, e.message});
      }
    }
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid race", "the race could not be created", f.errors);

    store::RaceRecord race;
    race.name = *settings.name;
    race.description = settings.description.value_or("");
    race.kind = kind;
    race.track_id = settings.track->id();
    race.rules = settings.rules;
    race.opens_at = *settings.opens_at;
    race.closes_at = *settings.closes_at;
    race.max_submissions = static_cast<int>(settings.max_submissions.value_or(99));
    race.created_by = racer->id;
    race.created_at = NowMs();
    race.visibility = community ? settings.visibility.value_or(BoardVisibility::kParticipants) : BoardVisibility::kPublic;
    std::optional<json> invitation;
    const int64_t id = store::CreateRace(league.db(), race, WritePitwallTrack(*settings.track), [&](int64_t race_id) -> std::optional<store::InvitationRecord> {
      if (!community) return std::nullopt;
      NewInvitationLink link = MakeInvitation(league.sealer(), race_id, race.closes_at, invite_uses);
      invitation = std::move(link.shown);
      return link.record;
    });
    json out = RaceJson(*league.Race(id));
    if (invitation) out["invitation"] = *invitation;
    res.set_header("Location", "/api/v1/races/" + std::to_string(id));
    res.set_header("Referrer-Policy", "no-referrer");
    WriteJson(res, 201, out);
  });

  api.Add("PATCH", "/api/v1/races/{race_id}", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto race = league.Race(PathId(req, 1));
    if (!race || !league.CanView(*race, racer->id)) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (!(race->kind == RaceKind::kCommunity ? race->created_by == racer->id : racer->admin()))
      return Problem(res, 403, "forbidden", "Organisers only", "only the race's organiser can change it");
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto name = f.String("name", false, 1, 80);
    const auto description = f.String("description", false, 0, 2000);
    const auto opens = f.Time("opens_at", false);
    const auto closes = f.Time("closes_at", false);
    BoardVisibility visibility = race->visibility;
    if (const auto named = f.String("visibility", false, 1, 20);
        named && (race->kind != RaceKind::kCommunity || !ParseBoardVisibility(*named, visibility)))
      f.errors.push_back({"visibility", race->kind == RaceKind::kCommunity ? "must be public or participants" : "league leaderboards are always public"});
    for (const char* fixed : {"track_id", "track_file", "timing_method", "laps", "min_laps", "lap_mode", "reset_on_off_track", "off_track_penalty_ms"})
      if (body->contains(fixed)) f.errors.push_back({fixed, "cannot change once the race exists"});
    const int64_t new_opens = opens.value_or(race->opens_at), new_closes = closes.value_or(race->closes_at);
    if (new_closes <= new_opens) f.errors.push_back({"closes_at", "must be after opens_at"});
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid change", "the race was not changed", f.errors);
    const int64_t revision = store::ChangeRace(league.db(), *race, {name.value_or(race->name), description.value_or(race->description),
                                                                     new_opens, new_closes, visibility});
    league.PublishRevision(race->id, revision);
    league.ForgetRace(race->id);
    league.Publish(race->id, "race", json{{"revision", revision}}.dump());
    WriteJson(res, 200, RaceJson(*league.Race(race->id)));
  });

  api.Add("DELETE", "/api/v1/races/{race_id}", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto race = league.Race(PathId(req, 1));
    if (!race || !league.CanView(*race, racer->id)) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (!(race->kind == RaceKind::kCommunity ? race->created_by == racer->id : racer->admin()))
      return Problem(res, 403, "forbidden", "Organisers only", "only the race's organiser can delete it");
    store::DeleteRace(league.db(), race->id);
    league.ForgetRace(race->id);
    league.Publish(race->id, "race", json{{"deleted", true}}.dump());
    res.status = 204;
  });

  api.Add("GET", "/api/v1/races", [&league](const httplib::Request& req, httplib::Response& res) {
    const std::string want = req.has_param("status") ? req.get_param_value("status") : "all";
    if (want != "all" && want != "open" && want != "upcoming" && want != "closed")
      return Problem(res, 400, "bad-parameter", "Bad status filter", "status must be open, upcoming, closed or all",
                     {{"status", "must be open, upcoming, closed or all"}});
    json list = json::array();
    const int64_t now = NowMs();
    for (const int64_t id : store::LeagueRaceIds(league.db())) {
      auto race = league.Race(id);
      if (!race) continue;
      std::string status = RaceStatus(*race, now);
      for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (want == "all" || want == status) list.push_back(RaceJson(*race));
    }
    PublicCors(res);
    WriteJson(res, 200, {{"races", list}});
  });

  // Private community races answer 404 to anyone who is not the organiser or a participant.
  api.Add("GET", "/api/v1/races/{race_id}", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto race = league.Race(PathId(req, 1));
    const auto racer = race && race->kind != RaceKind::kLeague ? api.OptionalRacer(req) : std::nullopt;
    if (!race || !league.CanView(*race, racer ? racer->id : 0))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (race->kind == RaceKind::kLeague) PublicCors(res);
    json out = RaceJson(*race);
    if (racer) out["organiser"] = race->created_by == racer->id;
    WriteJson(res, 200, out);
  });

  api.Add("GET", "/api/v1/races/{race_id}/track", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto race = league.Race(PathId(req, 1));
    const auto racer = race && race->kind != RaceKind::kLeague ? api.OptionalRacer(req) : std::nullopt;
    if (!race || !league.CanView(*race, racer ? racer->id : 0))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (race->kind == RaceKind::kLeague) {
      PublicCors(res);
      res.set_header("Cache-Control", "public, max-age=3600");
    }
    res.set_content(WritePitwallTrack(*race->track), "application/json");
  });

  api.Add("GET", "/api/v1/me/races", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    json list = json::array();
    for (const int64_t id : store::CommunityRaceIdsOf(league.db(), racer->id))
      if (auto race = league.Race(id)) {
        json j = RaceJson(*race);
        j["organiser"] = race->created_by == racer->id;
        list.push_back(j);
      }
    WriteJson(res, 200, {{"races", list}});
  });

  api.Add("GET", "/api/v1/races/{race_id}/leaderboard", [&api, &league, cache](const httplib::Request& req, httplib::Response& res) {
    const int64_t race_id = PathId(req, 1);
    const auto race = league.Race(race_id);
    PublicCors(res);  // other sites' widgets must be able to read the 404 too (it says nothing)
    if (!LeaderboardVisible(api, league, race, req)) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    const int64_t revision = race->revision;
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
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "public, no-cache");
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    std::shared_ptr<const std::string> rendered;
    {
      std::lock_guard<std::mutex> lock(cache->mu);
      auto& pages = cache->pages[race_id];
      if (pages.revision != revision) pages = {revision, {}};
      if (auto it = pages.by_window.find({offset, limit}); it != pages.by_window.end()) rendered = it->second;
    }
    if (!rendered) {
      const auto board = Board(league, *cache, race_id, revision);
      json page = json::array();
      for (int64_t i = offset; i < std::min<int64_t>(offset + limit, static_cast<int64_t>(board->size())); ++i)
        page.push_back((*board)[static_cast<size_t>(i)]);
      const json body = {{"race_id", race_id}, {"race_name", race->name}, {"track_name", race->track->name()},
                         {"timing_method", ToString(race->rules.timing)}, {"revision", revision}, {"total", board->size()},
                         {"offset", offset}, {"limit", limit}, {"entries", page}};
      rendered = std::make_shared<const std::string>(body.dump(-1, ' ', false, json::error_handler_t::replace));
      std::lock_guard<std::mutex> lock(cache->mu);
      auto& pages = cache->pages[race_id];
      if (pages.revision == revision && pages.by_window.size() < 16) pages.by_window[{offset, limit}] = rendered;
    }
    res.status = 200;
    res.set_content(*rendered, "application/json");
  });

  api.Add("GET", "/api/v1/races/{race_id}/leaderboard.csv", [&api, &league, cache](const httplib::Request& req, httplib::Response& res) {
    const auto race = league.Race(PathId(req, 1));
    if (!LeaderboardVisible(api, league, race, req)) return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    if (League::BoardIsPublic(*race)) PublicCors(res);
    const auto board = Board(league, *cache, race->id, race->revision);
    std::string csv =
        "rank,alias,ranking_ms,best_lap_ms,average_lap_ms,total_ms,off_track_count,crash_count,submissions,gap_ms,submitted_at,submission_id\n";
    for (const json& e : *board) {
      csv += std::to_string(e["rank"].get<int>()) + "," + CsvField(e["alias"]) + "," + e["ranking_ms"].dump() + "," + e["best_lap_ms"].dump() + "," +
             e["average_lap_ms"].dump() + "," + e["total_ms"].dump() + "," + e["off_track_count"].dump() + "," + e["crash_count"].dump() + "," + e["submissions"].dump() + "," +
             e["gap_ms"].dump() + "," + e["submitted_at"].get<std::string>() + "," + e["submission_id"].dump() + "\n";
    }
    res.set_header("Content-Disposition", "attachment; filename=\"race-" + std::to_string(race->id) + "-leaderboard.csv\"");
    res.set_content(csv, "text/csv; charset=utf-8");
  });

  // A shields.io endpoint badge: https://img.shields.io/endpoint?url=<this URL>
  api.Add("GET", "/api/v1/races/{race_id}/badge.json", [&league, cache](const httplib::Request& req, httplib::Response& res) {
    const auto race = league.Race(PathId(req, 1));
    PublicCors(res);
    if (!race || !league.CanViewLeaderboard(*race, 0))
      return Problem(res, 404, "not-found", "No such race", "there is no public leaderboard for race " + req.matches[1].str());
    const auto board = Board(league, *cache, race->id, race->revision);
    std::string message = "no ranked runs yet";
    if (!board->empty()) {
      const json& lead = (*board)[0];
      message = "P1 " + lead["alias"].get<std::string>() + " " + Secs(lead["ranking_ms"].get<int64_t>());
    }
    res.set_header("Cache-Control", "public, max-age=30");
    WriteJson(res, 200, {{"schemaVersion", 1}, {"label", race->name}, {"message", message}, {"color", "e4572e"}, {"cacheSeconds", 60}});
  });

  api.Add("GET", "/api/v1/races/{race_id}/events", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    const int64_t race_id = PathId(req, 1);
    const auto race = league.Race(race_id);
    const auto racer = race && race->kind != RaceKind::kLeague ? api.OptionalRacer(req) : std::nullopt;
    if (!race || !league.CanViewLeaderboard(*race, racer ? racer->id : 0))
      return Problem(res, 404, "not-found", "No such race", "there is no race " + req.matches[1].str());
    // Live streams hold a thread each: a cap for the server, a smaller one per client.
    const std::string client = ClientAddress(req, league.config());
    League::Guards& guards = league.guards();
    {
      std::lock_guard<std::mutex> lock(guards.mu);
      int& mine = guards.streams_by_client[client];
      if (mine >= league.config().max_streams_per_client || league.open_streams >= league.config().max_streams) {
        if (mine == 0) guards.streams_by_client.erase(client);
        const bool personal = mine >= league.config().max_streams_per_client;
        res.set_header("Retry-After", "5");
        return Problem(res, personal ? 429 : 503, "too-many-streams", "Too many live streams",
                       personal ? "this client already follows " + std::to_string(league.config().max_streams_per_client) +
                                      " live streams; close one first"
                                : "the server follows at most " + std::to_string(league.config().max_streams) +
                                      " live streams at once; retry shortly");
      }
      ++mine;
      ++league.open_streams;
    }
    auto last = std::make_shared<int64_t>(league.events().LastId(race_id));
    if (req.has_header("Last-Event-ID")) {
      try {
        *last = std::stoll(req.get_header_value("Last-Event-ID"));
      } catch (...) {
      }
    }
    struct StreamState {
      bool greeted = false;
      int64_t ends_at_ms = 0;
      int64_t next_check_ms = 0;
    };
    auto state = std::make_shared<StreamState>();
    state->ends_at_ms = NowMs() + int64_t{league.config().stream_lifetime_s} * 1000;
    const std::string authorization = req.get_header_value("Authorization");
    PublicCors(res);
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [&league, race_id, last, state, authorization](size_t, httplib::DataSink& sink) {
          if (league.stopping || !sink.is_writable()) return false;
          if (!state->greeted) {
            state->greeted = true;
            const std::string hello = "retry: 3000\nevent: hello\ndata: " + json{{"revision", league.Revision(race_id)}}.dump() + "\n\n";
            return sink.write(hello.data(), hello.size());
          }
          // A stream lives a bounded time (EventSource reconnects with Last-Event-ID),
          // and access is checked again while it is open: a race made private, a
          // racer removed or signed out, and the stream ends.
          const int64_t now = NowMs();
          if (now >= state->ends_at_ms) return false;
          if (now >= state->next_check_ms) {
            state->next_check_ms = now + 5000;
            try {
              const auto lease = league.BorrowConnection();  // PostgreSQL: a shared connection, for the check only
              const auto race = league.Race(race_id);
              if (!race) return false;
              if (!League::BoardIsPublic(*race)) {
                const auto racer = AuthenticateBearer(league.db(), authorization);
                if (!racer || !league.IsMember(*race, racer->id)) return false;
              }
            } catch (const std::exception&) {
              return false;  // the database is unreachable or busy: the client reconnects (retry: 3000)
            }
          }
          // Short waits, so that a client that left is noticed within a second.
          const auto events = league.events().WaitAfter(race_id, *last, 1000);
          if (league.stopping || !sink.is_writable()) return false;
          if (events.empty()) {
            if (now / 15000 == (now + 1000) / 15000) return true;  // a comment line every 15 s keeps proxies from timing out
            static const std::string ping = ": keep-alive\n\n";
            return sink.write(ping.data(), ping.size());
          }
          std::string out;
          for (const RaceEvent& e : events) {
            out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
            *last = e.id;
          }
          return sink.write(out.data(), out.size());
        },
        [&league, client](bool) {
          std::lock_guard<std::mutex> lock(league.guards().mu);
          --league.open_streams;
          auto it = league.guards().streams_by_client.find(client);
          if (it != league.guards().streams_by_client.end() && --it->second <= 0) league.guards().streams_by_client.erase(it);
        });
  });
}

}  // namespace pw::server
