#include "seed.h"

#include <cstdio>

#include "auth.h"
#include "database.h"
#include "names.h"
#include "model_gate.h"
#include "onnx_writer.h"
#include "pitwall/json_codec.h"
#include "pitwall/track_io.h"
#include "pitwall/track_library.h"
#include "trainer.h"

namespace pw::server {

int64_t StoreModel(League& league, int64_t racer_id, const std::string& name, const std::string& bytes, const models::ModelReport& report);

int64_t SeedDemo(League& league) {
  db::Connection& db = league.db();
  if (db.queryInt("SELECT COUNT(*) FROM races") > 0) return 0;
  const Track track = BuiltinTrack("pitwall_park").value();
  struct Entrant {
    const char* alias;
    SensorKind sensor;
    double pace;
  };
  const Entrant entrants[] = {{"demo-rapid", SensorKind::kState, 1.0}, {"demo-rays", SensorKind::kTrackRays, 0.85},
                              {"demo-steady", SensorKind::kState, 0.7}};
  std::printf("pitwall: seeding the demo race (training %zu starter models)\n", std::size(entrants));
  std::fflush(stdout);

  // Train first: the write transaction below stays short.
  std::vector<std::pair<std::string, models::ModelReport>> models;
  for (const Entrant& e : entrants) {
    models::TrainOptions options;
    options.sensor = e.sensor;
    options.pace = e.pace;
    auto trained = models::TrainStarterModel(track, options);
    if (!trained) throw std::runtime_error("demo model: " + trained.error().message);
    std::string bytes = models::WriteMlpModel(trained.value().layers, trained.value().metadata);
    auto report = models::InspectModel(bytes);
    models.emplace_back(std::move(bytes), std::move(report));
  }

  db::Transaction tx(db);
  const int64_t now = NowMs();
  std::vector<std::pair<int64_t, int64_t>> entries;  // racer, model
  for (size_t i = 0; i < std::size(entrants); ++i) {
    const Entrant& e = entrants[i];
    db::Statement r(db, "INSERT INTO racers (alias, alias_key, password_hash, role, terms_accepted_at, is_demo, created_at, alias_look) "
                            "VALUES (?, ?, ?, 'racer', ?, 1, ?, ?) RETURNING id");
    r.bind(1, e.alias);
    r.bind(2, AliasKey(e.alias));
    r.bind(3, HashPassword(NewToken()));  // nobody can sign in as a demo racer
    r.bind(4, now);
    r.bind(5, now);
    r.bind(6, AliasLook(e.alias));
    r.executeStep();
    const int64_t racer_id = r.getColumn(0).getInt64();
    r.reset();
    entries.push_back({racer_id, StoreModel(league, racer_id, std::string(e.alias) + " starter", models[i].first, models[i].second)});
  }
  // DeepRacer's league format: three laps, best lap wins, resets with a 2 s penalty.
  RaceRules rules = DefaultRaceRules();
  rules.timing = TimingMethod::kBestLap;
  rules.laps = rules.min_laps = 3;
  rules.lap_mode = LapMode::kContinuous;
  rules.reset_on_off_track = true;
  rules.off_track_penalty_ms = 2000;
  db::Statement race(db,
                         "INSERT INTO races (name, description, kind, race_type, track_id, track_json, timing_method, laps, min_laps, lap_mode, "
                         "reset_on_off_track, off_track_penalty_ms, opens_at, closes_at, max_submissions, created_by, created_at, rules_json) "
                         "VALUES ('Pitwall Demo Cup', 'A league race to try Pitwall: three laps of Pitwall Park, best lap wins. Train a starter "
                         "model, enter it, and see where you land.', 'LEAGUE', 'TIME_TRIAL', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 99, ?, ?, ?) RETURNING id");
  race.bind(1, track.id());
  race.bind(2, WritePitwallTrack(track));
  race.bind(3, ToString(rules.timing));
  race.bind(4, rules.laps);
  race.bind(5, rules.min_laps);
  race.bind(6, ToString(rules.lap_mode));
  race.bind(7, rules.reset_on_off_track ? 1 : 0);
  race.bind(8, rules.off_track_penalty_ms);
  race.bind(9, now);
  race.bind(10, static_cast<int64_t>(now + int64_t{30} * 24 * 3600 * 1000));
  race.bind(11, entries[0].first);
  race.bind(12, now);
  race.bind(13, RulesToJson(rules).dump());
  race.executeStep();
  const int64_t race_id = race.getColumn(0).getInt64();
  race.reset();
  for (const auto& [racer, model] : entries) {
    db::Statement s(db, "INSERT INTO submissions (race_id, racer_id, model_id, status, created_at) VALUES (?, ?, ?, 'QUEUED', ?)");
    s.bind(1, race_id);
    s.bind(2, racer);
    s.bind(3, model);
    s.bind(4, now);
    s.exec();
  }
  tx.commit();
  league.WakeWorkers();
  return race_id;
}

}  // namespace pw::server
