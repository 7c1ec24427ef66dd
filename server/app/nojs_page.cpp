// The app's page without JavaScript: the same shell, with what a person came
// for rendered on the server into its <noscript> (the league's races, or a
// race's leaderboard), every text escaped.
#include <string>

#include "database.h"
#include "race_settings.h"
#include "store/submission_store.h"

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
  std::string html = "<h1>League races</h1><ul>";
  int n = 0;
  for (const int64_t id : store::LeagueRaceIds(league.db(), /*newest_first=*/true, 50)) {
    const auto race = league.Race(id);
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
                     "<thead><tr><th>Rank</th><th>Racer</th><th>Time</th><th>Gap</th><th>Off track</th><th>Crashes</th></tr></thead><tbody>";
  const auto entries = store::Leaderboard(league.db(), race.id);
  for (const LeaderboardEntry& e : entries) {
    html.append("<tr><td>").append(std::to_string(e.rank)).append("</td><td>").append(Escape(e.alias)).append("</td><td>")
        .append(Secs(e.ranking_ms)).append("</td><td>").append(e.gap_ms == 0 ? "" : "+" + Secs(e.gap_ms)).append("</td><td>")
        .append(std::to_string(e.off_track_count)).append("</td><td>").append(std::to_string(e.crash_count)).append("</td></tr>");
  }
  if (entries.empty()) html += "<tr><td colspan=\"6\">No ranked runs yet.</td></tr>";
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
