// The app's page without JavaScript: the same shell, with what a person came
// for rendered on the server into its <noscript> (the league's races, or a
// race's leaderboard), every text escaped.
#include <string>

#include "database.h"
#include "race_settings.h"

namespace pw::server {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RaceList(League& league) {
  db::Statement q(league.db(), "SELECT id FROM races WHERE kind = 'LEAGUE' ORDER BY closes_at DESC LIMIT 50");
  std::string html = "<h1>League races</h1><ul>";
  int n = 0;
  while (q.executeStep()) {
    const auto race = league.Race(q.getColumn(0).getInt64());
    if (!race) continue;
    ++n;
    html.append("<li><a href=\"/races/").append(std::to_string(race->id)).append("\">").append(Escape(race->name)).append("</a> (")
        .append(Escape(RaceStatus(*race, NowMs()))).append(", ").append(Escape(race->track->name())).append(")</li>");
  }
  if (n == 0) html += "<li>None yet.</li>";
  return html + "</ul>";
}

std::string Leaderboard(League& league, const RaceInfo& race) {
  std::string html = "<h1>" + Escape(race.name) + "</h1><p>" + Escape(race.description) + "</p><table><caption>Leaderboard</caption>"
                     "<thead><tr><th>Rank</th><th>Racer</th><th>Time</th><th>Gap</th><th>Off track</th></tr></thead><tbody>";
  const json entries = LeaderboardEntries(league, race.id);
  for (const json& e : entries) {
    const int64_t gap = e["gap_ms"].get<int64_t>();
    html.append("<tr><td>").append(e["rank"].dump()).append("</td><td>").append(Escape(e["alias"].get<std::string>())).append("</td><td>")
        .append(Secs(e["ranking_ms"].get<int64_t>())).append("</td><td>").append(gap == 0 ? "" : "+" + Secs(gap)).append("</td><td>")
        .append(e["off_track_count"].dump()).append("</td></tr>");
  }
  if (entries.empty()) html += "<tr><td colspan=\"5\">No ranked runs yet.</td></tr>";
  return html + "</tbody></table><p><a href=\"/\">All races</a></p>";
}

}  // namespace

std::string NoScriptHtml(League& league, const std::string& path) {
  if (path == "/" || path == "/races") return RaceList(league);
  if (path.rfind("/races/", 0) == 0) {
    int64_t id = 0;
    for (size_t i = 7; i < path.size() && id < (1LL << 50); ++i) {
      if (path[i] < '0' || path[i] > '9') return "";
      id = id * 10 + (path[i] - '0');
    }
    const auto race = league.Race(id);
    if (race && league.CanViewLeaderboard(*race, 0)) return Leaderboard(league, *race);
    return "<p>This race's leaderboard is private: sign in with the app to see it.</p>";
  }
  return "";
}

}  // namespace pw::server
