// SQLite through SQLiteCpp: WAL, a busy timeout, and synchronous=FULL so that
// an accepted submission survives a crash of the process or the machine.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "engine.h"

namespace pw::db::detail {
namespace {

// SQLiteCpp's exceptions become db::Error, constraint failures marked as such.
template <typename F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    const int ext = e.getExtendedErrorCode();
    throw Error(e.what(), ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY);
  }
}

struct SqliteStatement final : StatementImpl {
  SqliteStatement(SQLite::Database& db, const std::string& sql) : db(db), q(Guard([&] { return SQLite::Statement(db, sql); })) {}
  void BindInt(int i, int64_t v) override { Guard([&] { q.bind(i, v); }); }
  void BindDouble(int i, double v) override { Guard([&] { q.bind(i, v); }); }
  void BindText(int i, const std::string& v) override { Guard([&] { q.bind(i, v); }); }
  void BindBlob(int i, const void* data, size_t size) override { Guard([&] { q.bind(i, data, static_cast<int>(size)); }); }
  void BindNull(int i) override { Guard([&] { q.bind(i); }); }
  bool Step() override { return Guard([&] { return q.executeStep(); }); }
  int Changes() override { return db.getChanges(); }
  void Reset() override { Guard([&] { q.reset(); }); }
  bool IsNull(int i) override { return q.getColumn(i).isNull(); }
  int64_t Int(int i) override { return q.getColumn(i).getInt64(); }
  double Double(int i) override { return q.getColumn(i).getDouble(); }
  std::string Text(int i) override {
    const SQLite::Column c = q.getColumn(i);
    return std::string(static_cast<const char*>(c.getBlob()), static_cast<size_t>(c.getBytes()));
  }
  SQLite::Database& db;
  SQLite::Statement q;
};

struct SqliteConnection final : ConnectionImpl {
  explicit SqliteConnection(const std::string& path)
      : db(Guard([&] { return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 10000); })) {
    Guard([&] {
      db.exec("PRAGMA journal_mode=WAL");
      db.exec("PRAGMA synchronous=FULL");
      db.exec("PRAGMA foreign_keys=ON");
      // Every server thread has a connection, each with a page cache of its own:
      // 256 KiB, not SQLite's 2 MiB, so the heap stays small however many
      // threads read (the kernel's file cache holds the database for all of them).
      db.exec("PRAGMA cache_size=-256");
    });
  }
  Engine engine() const override { return Engine::kSqlite; }
  std::unique_ptr<StatementImpl> Prepare(const std::string& sql) override { return std::make_unique<SqliteStatement>(db, sql); }
  int Exec(const std::string& sql) override { return Guard([&] { return db.exec(sql); }); }
  void BeginWrite(bool) override { Exec("BEGIN IMMEDIATE"); }
  void Commit() override { Exec("COMMIT"); }
  void Rollback() override { Exec("ROLLBACK"); }
  SQLite::Database db;
};

}  // namespace

std::unique_ptr<ConnectionImpl> OpenSqlite(const std::string& path) { return std::make_unique<SqliteConnection>(path); }

}  // namespace pw::db::detail
