#include "store/league_copy.h"

#include <map>

namespace pw::server::store {
namespace {

// Each table's columns with their kind (the schema after SQLite's migration 6, PostgreSQL's 2),
// and its key order. 'i': integer, 't': text, 'b': bytes.
struct Table {
  std::string name;
  std::vector<std::pair<std::string, char>> columns;
  std::string order;
  bool identity = false;  ///< an `id` PostgreSQL generates: its sequence moves past the copied ids
};

const std::vector<Table>& Tables() {
  static const std::vector<Table> t = {
      {"racers",
       {{"id", 'i'}, {"alias", 't'}, {"alias_key", 't'}, {"password_hash", 't'}, {"role", 't'}, {"terms_accepted_at", 'i'},
        {"is_demo", 'i'}, {"created_at", 'i'}, {"alias_look", 't'}},
       "id", true},
      {"sessions", {{"token_hash", 't'}, {"racer_id", 'i'}, {"created_at", 'i'}, {"expires_at", 'i'}, {"revoked_at", 'i'}}, "token_hash"},
      {"models",
       {{"id", 'i'}, {"racer_id", 'i'}, {"name", 't'}, {"sha256", 't'}, {"size_bytes", 'i'}, {"metadata", 't'}, {"created_at", 'i'},
        {"deleted_at", 'i'}},
       "id", true},
      {"races",
       {{"id", 'i'}, {"name", 't'}, {"description", 't'}, {"kind", 't'}, {"race_type", 't'}, {"track_id", 't'}, {"track_json", 't'},
        {"timing_method", 't'}, {"laps", 'i'}, {"min_laps", 'i'}, {"lap_mode", 't'}, {"reset_on_off_track", 'i'},
        {"off_track_penalty_ms", 'i'}, {"opens_at", 'i'}, {"closes_at", 'i'}, {"max_submissions", 'i'}, {"created_by", 'i'},
        {"created_at", 'i'}, {"revision", 'i'}, {"visibility", 't'}, {"rules_json", 't'}},
       "id", true},
      {"submissions",
       {{"id", 'i'}, {"race_id", 'i'}, {"racer_id", 'i'}, {"model_id", 'i'}, {"status", 't'}, {"reason", 't'}, {"created_at", 'i'},
        {"started_at", 'i'}, {"finished_at", 'i'}, {"attempts", 'i'}, {"qualified", 'i'}, {"ranking_ms", 'i'}, {"best_lap_ms", 'i'},
        {"best_average_ms", 'i'}, {"total_ms", 'i'}, {"off_track_count", 'i'}, {"complete_laps", 'i'}, {"laps_json", 't'},
        {"trace", 'b'}, {"fingerprint", 't'}, {"removed_at", 'i'}, {"idempotency_key", 't'}, {"lease_until", 'i'}, {"crash_count", 'i'}},
       "id", true},
      {"leaderboard", {{"race_id", 'i'}, {"racer_id", 'i'}, {"submission_id", 'i'}, {"ranking_ms", 'i'}}, "race_id, racer_id"},
      {"race_participants", {{"race_id", 'i'}, {"racer_id", 'i'}, {"joined_at", 'i'}}, "race_id, racer_id"},
      {"invitations",
       {{"race_id", 'i'}, {"token_hash", 't'}, {"created_at", 'i'}, {"expires_at", 'i'}, {"max_uses", 'i'}, {"uses", 'i'},
        {"token_sealed", 't'}},
       "race_id"},
      {"retired_invitations", {{"token_hash", 't'}, {"race_id", 'i'}, {"retired_at", 'i'}}, "token_hash"},
  };
  return t;
}

const Table& Find(const std::string& name) {
  for (const Table& t : Tables())
    if (t.name == name) return t;
  throw db::Error("no table " + name + " in a league");
}

std::string ColumnList(const Table& t) {
  std::string out;
  for (const auto& [name, kind] : t.columns) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

const std::vector<std::string>& LeagueTables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Table& t : Tables()) n.push_back(t.name);
    return n;
  }();
  return names;
}

std::vector<CopiedTable> CopyLeague(db::Connection& from, db::Connection& to, const std::function<void(const CopiedTable&)>& progress) {
  db::Transaction tx(to);
  for (const Table& t : Tables())
    if (to.queryInt("SELECT COUNT(*) FROM " + t.name) > 0)
      throw db::Error("the target already holds a league (its " + t.name + " table has rows): migrate into an empty database");
  std::vector<CopiedTable> copied;
  for (const Table& t : Tables()) {
    const std::string columns = ColumnList(t);
    std::string marks;
    for (size_t i = 0; i < t.columns.size(); ++i) marks += i ? ", ?" : "?";
    db::Statement read(from, "SELECT " + columns + " FROM " + t.name + " ORDER BY " + t.order);
    db::Statement write(to, "INSERT INTO " + t.name + " (" + columns + ") VALUES (" + marks + ")");
    CopiedTable done{t.name, 0};
    while (read.executeStep()) {
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const int c = static_cast<int>(i);
        const db::Column v = read.getColumn(c);
        if (v.isNull()) write.bind(c + 1);
        else if (t.columns[i].second == 'i') write.bind(c + 1, v.getInt64());
        else if (t.columns[i].second == 'b') {
          const std::string bytes = v.getString();
          write.bind(c + 1, db::Blob{bytes.data(), bytes.size()});
        } else write.bind(c + 1, v.getString());
      }
      write.exec();
      write.reset();
      ++done.rows;
    }
    // PostgreSQL's generated ids continue after the copied ones.
    if (t.identity && to.engine() == db::Engine::kPostgres)
      to.exec("SELECT setval(pg_get_serial_sequence('" + t.name + "', 'id'), COALESCE((SELECT MAX(id) FROM " + t.name + "), 0) + 1, false)");
    if (progress) progress(done);
    copied.push_back(done);
  }
  tx.commit();
  return copied;
}

std::vector<std::vector<std::string>> DumpTable(db::Connection& db, const std::string& table) {
  const Table& t = Find(table);
  db::Statement q(db, "SELECT " + ColumnList(t) + " FROM " + t.name + " ORDER BY " + t.order);
  std::vector<std::vector<std::string>> rows;
  while (q.executeStep()) {
    std::vector<std::string> row;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const db::Column v = q.getColumn(static_cast<int>(i));
      row.push_back(v.isNull() ? "\u2205" : t.columns[i].second == 'i' ? std::to_string(v.getInt64()) : v.getString());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace pw::server::store
