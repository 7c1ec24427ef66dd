#include "database.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
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
  };
  return m;
}

}  // namespace

std::unique_ptr<SQLite::Database> OpenDatabase(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");
  return db;
}

int Migrate(SQLite::Database& db) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  const auto& all = Migrations();
  while (version < static_cast<int>(all.size())) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(all[static_cast<size_t>(version)]);
    ++version;
    db.exec("PRAGMA user_version = " + std::to_string(version));
    tx.commit();
  }
  return version;
}

SQLite::Database& ThreadConnection(const std::string& path) {
  thread_local std::map<std::string, std::unique_ptr<SQLite::Database>> connections;
  auto& c = connections[path];
  if (!c) c = OpenDatabase(path);
  return *c;
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
  int y, mo, d, h, mi;
  double s;
  char tail[16] = {0};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &s, tail) < 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s < 0 || s >= 61) return false;
  int offset_min = 0;
  const std::string t = tail;
  if (t == "Z" || t == "z") offset_min = 0;
  else if (t.size() == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':') {
    offset_min = (std::stoi(t.substr(1, 2)) * 60 + std::stoi(t.substr(4, 2))) * (t[0] == '-' ? -1 : 1);
  } else {
    return false;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  const std::time_t secs = timegm(&tm);
  epoch_ms = static_cast<int64_t>(secs) * 1000 + static_cast<int64_t>(s * 1000.0 + 0.5) - static_cast<int64_t>(offset_min) * 60000;
  return true;
}

}  // namespace pw::server
