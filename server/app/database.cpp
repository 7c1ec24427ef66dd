#include "database.h"

#include "names.h"
#include "pitwall/json_codec.h"
#include "pitwall/rules.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <regex>
#include <vector>

namespace pw::server {
namespace {

// Numbered migrations: never edit one that has shipped; add the next.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> m = {
      // 1: racers, sessions, models, races, submissions, leaderboards
      R"sql(
      CREATE TABLE racers (
        id INTEGER PRIMARY KEY,
        alias TEXT NOT NULL,
        alias_key TEXT NOT NULL UNIQUE,          -- lower-cased: aliases are unique ignoring case
        password_hash TEXT NOT NULL,             -- argon2id (libsodium crypto_pwhash_str)
        role TEXT NOT NULL DEFAULT 'racer' CHECK (role IN ('racer', 'admin')),
        terms_accepted_at INTEGER,
        is_demo INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,             -- SHA-256 of the bearer token; the token itself is never stored
        racer_id INTEGER NOT NULL REFERENCES racers(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER);
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        racer_id INTEGER NOT NULL REFERENCES racers(id),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,                    -- the file is <data>/models/<sha256>.onnx
        size_bytes INTEGER NOT NULL,
        metadata TEXT NOT NULL,                  -- model_metadata JSON, as the gate read it
        created_at INTEGER NOT NULL,
        deleted_at INTEGER);
      CREATE INDEX models_by_racer ON models(racer_id, deleted_at);
      CREATE TABLE races (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL DEFAULT 'LEAGUE',
        race_type TEXT NOT NULL DEFAULT 'TIME_TRIAL',
        track_id TEXT NOT NULL,
        track_json TEXT NOT NULL,                -- the race keeps its own copy of the track
        timing_method TEXT NOT NULL,
        laps INTEGER NOT NULL,
        min_laps INTEGER NOT NULL,
        lap_mode TEXT NOT NULL,
        reset_on_off_track INTEGER NOT NULL,
        off_track_penalty_ms INTEGER NOT NULL,
        opens_at INTEGER NOT NULL,
        closes_at INTEGER NOT NULL,
        max_submissions INTEGER NOT NULL,
        created_by INTEGER NOT NULL REFERENCES racers(id),
        created_at INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1);   -- bumped on every leaderboard change (the ETag)
      CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        race_id INTEGER NOT NULL REFERENCES races(id),
        racer_id INTEGER NOT NULL REFERENCES racers(id),
        model_id INTEGER NOT NULL REFERENCES models(id),
        status TEXT NOT NULL CHECK (status IN ('QUEUED', 'EVALUATING', 'COMPLETED', 'FAILED', 'CANCELLED')),
        reason TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,     -- times a worker claimed it (a crash re-queues)
        qualified INTEGER,
        ranking_ms INTEGER,
        best_lap_ms INTEGER,
        best_average_ms INTEGER,
        total_ms INTEGER,
        off_track_count INTEGER,
        complete_laps INTEGER,
        laps_json TEXT,
        trace BLOB,
        fingerprint TEXT);
      CREATE INDEX submissions_queue ON submissions(status, id);
      CREATE INDEX submissions_by_race_racer ON submissions(race_id, racer_id);
      CREATE TABLE leaderboard (
        race_id INTEGER NOT NULL REFERENCES races(id),
        racer_id INTEGER NOT NULL REFERENCES racers(id),
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        ranking_ms INTEGER NOT NULL,
        PRIMARY KEY (race_id, racer_id));
      CREATE INDEX leaderboard_order ON leaderboard(race_id, ranking_ms, submission_id);
      )sql",
      // 2: community races: visibility, participants, invitations, removed entries
      R"sql(
      ALTER TABLE races ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'participants'));   -- who sees the leaderboard
      CREATE TABLE race_participants (
        race_id INTEGER NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        racer_id INTEGER NOT NULL REFERENCES racers(id),
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (race_id, racer_id));
      CREATE TABLE invitations (
        race_id INTEGER PRIMARY KEY REFERENCES races(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,         -- SHA-256 of the link's token; the token is never stored
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        max_uses INTEGER,                        -- NULL: no limit
        uses INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE retired_invitations (         -- reset links, so that using one says so
        token_hash TEXT PRIMARY KEY,
        race_id INTEGER NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        retired_at INTEGER NOT NULL);
      ALTER TABLE submissions ADD COLUMN removed_at INTEGER;  -- an organiser removed this entry
      )sql",
      // 3: alias keys become confusable skeletons of the NFKC case fold (names.h),
      //    recomputed in C++ by RekeyAliases; expired sessions are purged by time;
      //    the queue serves racers in turn (evaluator.cpp)
      R"sql(
      ALTER TABLE racers ADD COLUMN alias_look TEXT NOT NULL DEFAULT '';  -- case fold of the skeleton
      CREATE INDEX racers_by_look ON racers(alias_look);
      CREATE INDEX sessions_by_expiry ON sessions(expires_at);
      CREATE INDEX submissions_by_racer_start ON submissions(racer_id, started_at);  -- the queue's turns
      ALTER TABLE submissions ADD COLUMN idempotency_key TEXT;  -- a retried POST enters once
      CREATE UNIQUE INDEX submissions_idempotent ON submissions(racer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX races_by_creator ON races(created_by, created_at);
      CREATE INDEX sessions_by_racer ON sessions(racer_id);
      )sql",
      // 4: an invitation's token sealed for its organiser (auth.h's Sealer, bound to the race), so the
      //    organiser can see the link again; looking a token up still goes by its hash
      R"sql(
      ALTER TABLE invitations ADD COLUMN token_sealed TEXT;  -- NULL for links made before: reset to see one
      )sql",
      // 5: a race stores every one of its rules (the core's codec), not only those it has columns for:
      //    a run replays under the rules it was raced with, whatever the defaults of the binary that
      //    replays it. Races made before get their columns plus this binary's defaults (BackfillRules),
      //    the rules they were raced with. The rule columns stay, written alongside, for queries.
      R"sql(
      ALTER TABLE races ADD COLUMN rules_json TEXT;
      )sql",
      // 6: an evaluation holds a lease, renewed while its worker lives: one whose worker vanished
      //    (a killed `pitwall worker` or server) goes back to the queue when the lease runs out
      R"sql(
      ALTER TABLE submissions ADD COLUMN lease_until INTEGER;
      )sql",
      // 7: race types: crashes into boxes and bot cars, per submission, for the leaderboards
      R"sql(
      ALTER TABLE submissions ADD COLUMN crash_count INTEGER NOT NULL DEFAULT 0;
      )sql",
  };
  return m;
}

// PostgreSQL's numbered migrations (kept in pitwall_schema): its first is the whole schema
// of SQLite's migrations 1 to 5, so a league moved over (`pitwall migrate`) keeps every column.
// Times are BIGINT milliseconds since the epoch and flags 0/1 integers, as on SQLite, so the
// stores' SQL is the same on both engines.
const std::vector<const char*>& PostgresMigrations() {
  static const std::vector<const char*> m = {
      R"sql(
      CREATE TABLE racers (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alias TEXT NOT NULL,
        alias_key TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'racer' CHECK (role IN ('racer', 'admin')),
        terms_accepted_at BIGINT,
        is_demo INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        alias_look TEXT NOT NULL DEFAULT '');
      CREATE INDEX racers_by_look ON racers(alias_look);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        racer_id BIGINT NOT NULL REFERENCES racers(id),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT);
      CREATE INDEX sessions_by_expiry ON sessions(expires_at);
      CREATE INDEX sessions_by_racer ON sessions(racer_id);
      CREATE TABLE models (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        racer_id BIGINT NOT NULL REFERENCES racers(id),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        metadata TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        deleted_at BIGINT);
      CREATE INDEX models_by_racer ON models(racer_id, deleted_at);
      CREATE TABLE races (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL DEFAULT 'LEAGUE',
        race_type TEXT NOT NULL DEFAULT 'TIME_TRIAL',
        track_id TEXT NOT NULL,
        track_json TEXT NOT NULL,
        timing_method TEXT NOT NULL,
        laps INTEGER NOT NULL,
        min_laps INTEGER NOT NULL,
        lap_mode TEXT NOT NULL,
        reset_on_off_track INTEGER NOT NULL,
        off_track_penalty_ms INTEGER NOT NULL,
        opens_at BIGINT NOT NULL,
        closes_at BIGINT NOT NULL,
        max_submissions INTEGER NOT NULL,
        created_by BIGINT NOT NULL REFERENCES racers(id),
        created_at BIGINT NOT NULL,
        revision BIGINT NOT NULL DEFAULT 1,
        visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'participants')),
        rules_json TEXT);
      CREATE INDEX races_by_creator ON races(created_by, created_at);
      CREATE TABLE submissions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        race_id BIGINT NOT NULL REFERENCES races(id),
        racer_id BIGINT NOT NULL REFERENCES racers(id),
        model_id BIGINT NOT NULL REFERENCES models(id),
        status TEXT NOT NULL CHECK (status IN ('QUEUED', 'EVALUATING', 'COMPLETED', 'FAILED', 'CANCELLED')),
        reason TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        attempts INTEGER NOT NULL DEFAULT 0,
        qualified INTEGER,
        ranking_ms BIGINT,
        best_lap_ms BIGINT,
        best_average_ms BIGINT,
        total_ms BIGINT,
        off_track_count INTEGER,
        complete_laps INTEGER,
        laps_json TEXT,
        trace BYTEA,
        fingerprint TEXT,
        removed_at BIGINT,
        idempotency_key TEXT);
      CREATE INDEX submissions_queue ON submissions(status, id);
      CREATE INDEX submissions_by_race_racer ON submissions(race_id, racer_id);
      CREATE INDEX submissions_by_racer_start ON submissions(racer_id, started_at);
      CREATE UNIQUE INDEX submissions_idempotent ON submissions(racer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE leaderboard (
        race_id BIGINT NOT NULL REFERENCES races(id),
        racer_id BIGINT NOT NULL REFERENCES racers(id),
        submission_id BIGINT NOT NULL REFERENCES submissions(id),
        ranking_ms BIGINT NOT NULL,
        PRIMARY KEY (race_id, racer_id));
      CREATE INDEX leaderboard_order ON leaderboard(race_id, ranking_ms, submission_id);
      CREATE TABLE race_participants (
        race_id BIGINT NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        racer_id BIGINT NOT NULL REFERENCES racers(id),
        joined_at BIGINT NOT NULL,
        PRIMARY KEY (race_id, racer_id));
      CREATE TABLE invitations (
        race_id BIGINT PRIMARY KEY REFERENCES races(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        max_uses INTEGER,
        uses INTEGER NOT NULL DEFAULT 0,
        token_sealed TEXT);
      CREATE TABLE retired_invitations (
        token_hash TEXT PRIMARY KEY,
        race_id BIGINT NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        retired_at BIGINT NOT NULL);
      )sql",
      // 2: SQLite's 6 (evaluation leases), and the ids of live events that every server shares
      R"sql(
      ALTER TABLE submissions ADD COLUMN lease_until BIGINT;
      CREATE SEQUENCE pitwall_event_ids;
      )sql",
      // 3: rate limits every server shares (store/limit_store.h); SQLite's one server keeps them in memory
      R"sql(
      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,                  -- what is limited and for whom, e.g. "writes 10.1.2.3"
        tokens DOUBLE PRECISION NOT NULL,
        updated_ms BIGINT NOT NULL);
      CREATE TABLE signin_failures (
        alias_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        next_ms BIGINT NOT NULL,               -- no attempt before this
        updated_ms BIGINT NOT NULL);
      )sql",
      // 4: SQLite's 7 (crash counts)
      R"sql(
      ALTER TABLE submissions ADD COLUMN crash_count INTEGER NOT NULL DEFAULT 0;
      )sql",
  };
  return m;
}

}  // namespace

// Alias keys as names.h computes them. Two old aliases that now look alike
// keep apart by the later one's id (it signs in by its old exact key).
void RekeyAliases(db::Connection& db) {
  std::vector<std::pair<int64_t, std::string>> racers;
  db::Statement q(db, "SELECT id, alias FROM racers ORDER BY id");
  while (q.executeStep()) racers.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
  db.exec("UPDATE racers SET alias_key = '#' || id");
  for (const auto& [id, alias] : racers) {
    std::string key = AliasKey(alias);
    db::Statement taken(db, "SELECT 1 FROM racers WHERE alias_key = ?");
    taken.bind(1, key);
    if (key.empty() || taken.executeStep()) {
      std::fprintf(stderr, "pitwall: racer %lld's alias looks like another's; it keeps a private key\n", static_cast<long long>(id));
      key.assign(1, '#').append(std::to_string(id)).append(1, ':').append(alias);
    }
    db::Statement u(db, "UPDATE racers SET alias_key = ?, alias_look = ? WHERE id = ?");
    u.bind(1, key);
    u.bind(2, AliasLook(alias));
    u.bind(3, id);
    u.exec();
  }
}

// Migration 5: every race's rules as JSON, from its rule columns and the defaults for the rest.
void BackfillRules(db::Connection& db) {
  db::Statement q(db,
                      "SELECT id, timing_method, laps, min_laps, lap_mode, reset_on_off_track, off_track_penalty_ms FROM races "
                      "WHERE rules_json IS NULL");
  std::vector<std::pair<int64_t, std::string>> rows;
  while (q.executeStep()) {
    RaceRules rules = DefaultRaceRules();
    ParseTimingMethod(q.getColumn(1).getString(), rules.timing);
    rules.laps = q.getColumn(2).getInt();
    rules.min_laps = q.getColumn(3).getInt();
    ParseLapMode(q.getColumn(4).getString(), rules.lap_mode);
    rules.reset_on_off_track = q.getColumn(5).getInt() != 0;
    rules.off_track_penalty_ms = q.getColumn(6).getInt();
    rows.emplace_back(q.getColumn(0).getInt64(), RulesToJson(rules).dump());
  }
  for (const auto& [id, rules] : rows) {
    db::Statement u(db, "UPDATE races SET rules_json = ? WHERE id = ?");
    u.bind(1, rules);
    u.bind(2, id);
    u.exec();
  }
}

int Migrate(db::Connection& db) {
  if (db.engine() == db::Engine::kPostgres) {
    const auto& all = PostgresMigrations();
    for (;;) {
      // Servers starting together take turns (the write transaction's lock); each step reads the version again.
      db::Transaction tx(db);
      db.exec("CREATE TABLE IF NOT EXISTS pitwall_schema (version INTEGER NOT NULL)");
      if (db.queryInt("SELECT COUNT(*) FROM pitwall_schema") == 0) db.exec("INSERT INTO pitwall_schema (version) VALUES (0)");
      const int version = static_cast<int>(db.queryInt("SELECT version FROM pitwall_schema"));
      if (version >= static_cast<int>(all.size())) {
        tx.commit();
        return version;
      }
      db.exec(all[static_cast<size_t>(version)]);
      db.exec("UPDATE pitwall_schema SET version = " + std::to_string(version + 1));
      tx.commit();
    }
  }
  int version = static_cast<int>(db.queryInt("PRAGMA user_version"));
  const auto& all = Migrations();
  while (version < static_cast<int>(all.size())) {
    db::Transaction tx(db);
    db.exec(all[static_cast<size_t>(version)]);
    if (version + 1 == 3) RekeyAliases(db);
    if (version + 1 == 5) BackfillRules(db);
    ++version;
    db.exec("PRAGMA user_version = " + std::to_string(version));
    tx.commit();
  }
  return version;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Rfc3339(int64_t epoch_ms) {
  const std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000));
  return buf;
}

bool ParseRfc3339(const std::string& text, int64_t& epoch_ms) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm), every field checked: no
  // 2027-02-30, no 24:00, no leap seconds, years 1970 to 9999.
  static const std::regex form(R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$)");
  if (text.size() > 40) return false;
  std::smatch m;
  if (!std::regex_match(text, m, form)) return false;
  const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]), h = std::stoi(m[4]), mi = std::stoi(m[5]), s = std::stoi(m[6]);
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 || s > 59) return false;
  int ms = 0;
  if (m[7].matched) {
    std::string frac = m[7].str().substr(1);
    frac.resize(3, '0');
    ms = std::stoi(frac.substr(0, 3));
  }
  int offset_min = 0;
  const std::string zone = m[8];
  if (zone != "Z" && zone != "z") {
    const int oh = std::stoi(zone.substr(1, 2)), om = std::stoi(zone.substr(4, 2));
    if (oh > 23 || om > 59) return false;
    offset_min = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = timegm(&tm);
  epoch_ms = static_cast<int64_t>(secs) * 1000 + ms - static_cast<int64_t>(offset_min) * 60000;
  return true;
}

}  // namespace pw::server
