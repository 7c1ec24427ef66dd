#include "seed.h"

#include <cstdio>

#include "auth.h"
#include "database.h"
#include "names.h"
#include "model_gate.h"
#include "onnx_writer.h"
#include "pitwall/json_codec.h"
#include "store/race_store.h"
#include "store/racer_store.h"
#include "store/submission_store.h"
#include "pitwall/track_io.h"
#include "pitwall/track_library.h"
#include "trainer.h"

namespace pw::server {

int64_t StoreModel(League& league, int64_t racer_id, const std::string& name, const std::string& bytes, const models::ModelReport& report);

int64_t SeedDemo(League& league) {
  db::Connection& db = league.db();
  if (store::CountRaces(db) > 0) return 0;
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

  // One transaction: a demo league is there whole or not at all.
  db::Transaction tx(db);
  const int64_t now = NowMs();
  std::vector<std::pair<int64_t, int64_t>> entries;  // racer, model
  for (size_t i = 0; i < std::size(entrants); ++i) {
    const Entrant& e = entrants[i];
    store::NewRacer racer;
    racer.alias = e.alias;
    racer.alias_key = AliasKey(e.alias);
    racer.alias_look = AliasLook(e.alias);
    racer.password_hash = HashPassword(NewToken());  // nobody can sign in as a demo racer
    racer.created_at = now;
    racer.demo = true;
    racer.terms_accepted_at = now;
    const auto racer_id = store::RegisterRacer(db, racer);
    if (!racer_id) throw std::runtime_error(std::string("demo racer ") + e.alias + ": the alias is taken");
    entries.push_back({*racer_id, StoreModel(league, *racer_id, std::string(e.alias) + " starter", models[i].first, models[i].second)});
  }
  // DeepRacer's league format: three laps, best lap wins, resets with a 2 s penalty.
  store::RaceRecord race;
  race.name = "Pitwall Demo Cup";
  race.description = "A league race to try Pitwall: three laps of Pitwall Park, best lap wins. Train a starter model, enter it, and see where you land.";
  race.kind = RaceKind::kLeague;
  race.track_id = track.id();
  race.rules = DefaultRaceRules();
  race.rules.timing = TimingMethod::kBestLap;
  race.rules.laps = race.rules.min_laps = 3;
  race.rules.lap_mode = LapMode::kContinuous;
  race.rules.reset_on_off_track = true;
  race.rules.off_track_penalty_ms = 2000;
  race.opens_at = now;
  race.closes_at = now + int64_t{30} * 24 * 3600 * 1000;
  race.max_submissions = 99;
  race.created_by = entries[0].first;
  race.created_at = now;
  const int64_t race_id = store::CreateRace(db, race, WritePitwallTrack(track));
  for (const auto& [racer, model] : entries) {
    store::NewSubmission s;
    s.race_id = race_id;
    s.racer_id = racer;
    s.model_id = model;
    s.max_submissions = race.max_submissions;
    s.max_waiting = 1;
    s.now_ms = now;
    if (store::EnterSubmission(db, s).outcome != store::Entered::kQueued) throw std::runtime_error("the demo race refused a demo submission");
  }
  tx.commit();
  league.WakeWorkers();
  return race_id;
}

}  // namespace pw::server
