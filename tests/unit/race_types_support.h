// Race rules of each type for the core's tests, and the expert's run through them.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "pitwall/expert.h"
#include "pitwall/rules.h"
#include "pitwall/scoring.h"
#include "pitwall/trial.h"

namespace pw::testing {

/// OBJECT_AVOIDANCE: the boxes where given, else three at random from seed 1.
inline RaceRules ObjectAvoidance(const std::vector<ObstaclePlacement>& boxes) {
  RaceRules r = DefaultRaceRules();
  r.race_type = RaceType::kObjectAvoidance;
  r.random_obstacles = boxes.empty();
  r.obstacle_count = boxes.empty() ? 3 : static_cast<int>(boxes.size());
  r.obstacles = boxes;
  return r;
}

/// HEAD_TO_BOT: `n` bots at `speed`, in the right lane, no lane changes.
inline RaceRules HeadToBot(int n, double speed) {
  RaceRules r = DefaultRaceRules();
  r.race_type = RaceType::kHeadToBot;
  for (int i = 0; i < n; ++i) r.bots.push_back({speed, Lane::kRight, false, 5.0});
  return r;
}

/// What the issue asks the expert to drive cleanly: 3 random boxes, and 3 bots at 1 m/s.
inline std::vector<RaceRules> CompetentExpertRaces() {
  RaceRules boxes = ObjectAvoidance({});
  boxes.course_seed = 2026;
  RaceRules bots = HeadToBot(3, 1.0);
  bots.bots[1].lane = Lane::kLeft;
  return {boxes, bots};
}

inline std::string Describe(const RaceRules& r) {
  if (r.race_type == RaceType::kObjectAvoidance) return "3 random boxes (seed " + std::to_string(r.course_seed) + ")";
  if (r.race_type == RaceType::kHeadToBot) return std::to_string(r.bots.size()) + " bots";
  return "time trial";
}

struct ExpertRun {
  int crashes = 0, off_track = 0;
  Score score;
  std::string summary;
};

/// The expert's 3-lap trial, no resets allowed (any mistake ends it), with its figures in words.
inline ExpertRun RunExpert(const Track& t, RaceRules rules) {
  rules.reset_on_off_track = false;
  ExpertDriver expert(t, DefaultCarParams());
  const TrialResult r = RunTrial(t, rules, expert);
  ExpertRun run;
  run.score = ScoreLaps(r.laps, rules);
  int64_t total = 0;
  for (const LapResult& lap : r.laps) run.crashes += lap.crash_count, run.off_track += lap.off_track_count, total += lap.time_ms;
  char line[256];
  std::snprintf(line, sizeof line, "%-28s laps=%d/%zu streak=%d crashes=%d off_track=%d total=%.3f s end=%s",
                Describe(rules).c_str(), r.complete_laps(), r.laps.size(), run.score.longest_streak, run.crashes, run.off_track,
                total / 1000.0, ToString(r.end));
  run.summary = line;
  return run;
}

}  // namespace pw::testing
