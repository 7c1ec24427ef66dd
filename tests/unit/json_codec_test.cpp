// The one JSON form of rules and laps: what the API, the worker protocol, the
// command line and the app read and write.
#include <gtest/gtest.h>

#include "pitwall/json_codec.h"

namespace pw {
namespace {

TEST(JsonCodec, RulesRoundTripEveryField) {
  RaceRules r;
  r.laps = 5;
  r.min_laps = 2;
  r.lap_mode = LapMode::kStandingStart;
  r.timing = TimingMethod::kAverageLap;
  r.reset_on_off_track = false;
  r.off_track_penalty_ms = 1500;
  r.immobilised_penalty_ms = 700;
  r.trial_time_limit_ms = 90000;
  r.lap_time_limit_ms = 30000;
  r.max_steps_per_episode = 5000;
  const nlohmann::json j = RulesToJson(r);
  EXPECT_EQ(j["lap_mode"], "STANDING_START");
  EXPECT_EQ(j["timing_method"], "AVG_LAP_TIME");
  const auto back = RulesFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(RulesToJson(back.value()), j);
  // Left out: the defaults.
  EXPECT_EQ(RulesToJson(RulesFromJson(nlohmann::json::object()).value()), RulesToJson(DefaultRaceRules()));
}

TEST(JsonCodec, RulesRefuseWrongTypesUnknownNamesAndOutOfRangeValues) {
  auto error = [](const nlohmann::json& j) {
    const auto r = RulesFromJson(j);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(error({{"laps", "3"}}), "laps must be a whole number");
  EXPECT_EQ(error({{"laps", 1e12}}), "laps must be a whole number");
  EXPECT_EQ(error({{"lap_mode", "SIDEWAYS"}}), "lap_mode \"SIDEWAYS\" is not known");
  EXPECT_EQ(error({{"reset_on_off_track", 1}}), "reset_on_off_track must be true or false");
  EXPECT_EQ(error({{"lapz", 3}}), "unknown rule \"lapz\"");
  EXPECT_EQ(error({{"laps", 11}}), "laps must be between 1 and 10");
  EXPECT_EQ(error(nlohmann::json::array()), "rules must be a JSON object");
}

TEST(JsonCodec, LapsRoundTripAndBadLapsAreRefused) {
  LapResult a{1, 12345, LapStatus::kComplete, 0, 0, 100.0};
  LapResult b{2, 4000, LapStatus::kOffTrack, 2, 1, 37.26};
  const nlohmann::json j = LapsToJson({a, b});
  EXPECT_EQ(j[1]["status"], "off track");
  EXPECT_DOUBLE_EQ(j[1]["progress_pct"].get<double>(), 37.3);  // one decimal
  const auto back = LapsFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back.value().size(), 2u);
  EXPECT_EQ(back.value()[1].status, LapStatus::kOffTrack);
  EXPECT_EQ(back.value()[1].time_ms, 4000);
  EXPECT_EQ(back.value()[1].resets, 1);
  nlohmann::json bad = j;
  bad[0]["status"] = "teleported";
  EXPECT_EQ(LapsFromJson(bad).error().message, "lap 1: unknown status \"teleported\"");
  bad = j;
  bad[1].erase("time_ms");
  EXPECT_EQ(LapsFromJson(bad).error().message, "lap 2: time_ms must be a whole number");
  EXPECT_EQ(LapsFromJson(nlohmann::json::object()).error().message, "laps must be a JSON array");
}

TEST(JsonCodec, LeaderboardEntriesRoundTripAndBadOnesAreRefused) {
  LeaderboardEntry a;
  a.rank = 1;
  a.alias = "ana";
  a.submission_id = 7;
  a.ranking_ms = a.best_lap_ms = a.average_lap_ms = 10191;
  a.total_ms = 31137;
  a.submissions = 2;
  a.submitted_at = "2026-11-22T10:00:00Z";
  LeaderboardEntry b = a;
  b.rank = 2;
  b.alias = "bo";
  b.submission_id = 9;
  b.ranking_ms = 10500;
  b.off_track_count = 3;
  b.gap_ms = 309;
  const nlohmann::json j = {LeaderboardEntryToJson(a), LeaderboardEntryToJson(b)};
  EXPECT_EQ(j[1]["gap_ms"], 309);
  EXPECT_EQ(j[0].size(), 12u);
  const auto back = LeaderboardEntriesFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back.value().size(), 2u);
  EXPECT_EQ(back.value()[1].alias, "bo");
  EXPECT_EQ(back.value()[1].submission_id, 9);
  EXPECT_EQ(back.value()[1].off_track_count, 3);
  EXPECT_EQ(back.value()[1].gap_ms, 309);
  EXPECT_EQ(back.value()[0].total_ms, 31137);
  EXPECT_EQ(back.value()[0].submitted_at, "2026-11-22T10:00:00Z");
  nlohmann::json bad = j;
  bad[1]["gap_ms"] = "309";
  EXPECT_EQ(LeaderboardEntriesFromJson(bad).error().message, "entry 2: gap_ms must be a whole number");
  bad = j;
  bad[0].erase("alias");
  EXPECT_EQ(LeaderboardEntriesFromJson(bad).error().message, "entry 1: alias must be a string");
  EXPECT_EQ(LeaderboardEntriesFromJson(nlohmann::json::object()).error().message, "entries must be a JSON array");
}

}  // namespace
}  // namespace pw
