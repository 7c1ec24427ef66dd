// PostgreSQL through libpq: parameters go as text (bytes as binary), rows come
// back as text and are read like SQLite's columns. A connection that broke (the
// database restarted, the network dropped) is reset before its next statement.
#include <libpq-fe.h>
#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "engine.h"

namespace pw::db::detail {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kBoolOid = 16;
// The advisory lock every write transaction takes (db.h, Transaction): "PW" in ASCII.
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(20567)";

// `?` placeholders become $1, $2, ... outside quotes and comments.
std::string Numbered(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = sql.find(c, i + 1);
      const size_t stop = end == std::string::npos ? sql.size() : end + 1;
      out.append(sql, i, stop - i);
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string::npos ? sql.size() : end;
      out.append(sql, i, stop - i);
      i = stop - 1;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

[[noreturn]] void Fail(PGresult* r, PGconn* conn, const std::string& sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const bool unique = state && std::string(state) == "23505";
  if (r) PQclear(r);
  throw Error("PostgreSQL: " + message + " (in: " + sql.substr(0, 120) + ")", unique);
}

struct PgConnection;

struct PgStatement final : StatementImpl {
  PgStatement(PgConnection& c, std::string sql) : c(c), sql(Numbered(sql)) {}
  ~PgStatement() override { Clear(); }
  void Clear() {
    if (result) PQclear(result);
    result = nullptr;
    row = -1;
  }
  void Set(int i, std::optional<std::string> v, int format) {
    if (i < 1) throw Error("parameter index " + std::to_string(i) + " (they count from 1)");
    if (static_cast<size_t>(i) > values.size()) {
      values.resize(static_cast<size_t>(i));
      formats.resize(static_cast<size_t>(i), 0);
    }
    values[static_cast<size_t>(i - 1)] = std::move(v);
    formats[static_cast<size_t>(i - 1)] = format;
  }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), 0); }
  void BindDouble(int i, double v) override {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    Set(i, std::string(buf), 0);
  }
  void BindText(int i, const std::string& v) override { Set(i, v, 0); }
  void BindBlob(int i, const void* data, size_t size) override { Set(i, std::string(static_cast<const char*>(data), size), 1); }
  void BindNull(int i) override { Set(i, std::nullopt, 0); }
  bool Step() override;
  int Changes() override { return result ? std::atoi(PQcmdTuples(result)) : 0; }
  void Reset() override { Clear(); }
  const char* Value(int i) {
    if (!result || row < 0 || row >= PQntuples(result)) throw Error("no row to read (call executeStep first)");
    if (i < 0 || i >= PQnfields(result)) throw Error("no column " + std::to_string(i));
    return PQgetisnull(result, row, i) ? nullptr : PQgetvalue(result, row, i);
  }
  bool IsNull(int i) override { return Value(i) == nullptr; }
  int64_t Int(int i) override {
    const char* v = Value(i);
    if (!v) return 0;
    if (PQftype(result, i) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  double Double(int i) override {
    const char* v = Value(i);
    return v ? std::strtod(v, nullptr) : 0.0;
  }
  std::string Text(int i) override {
    const char* v = Value(i);
    if (!v) return {};
    if (PQftype(result, i) != kByteaOid) return std::string(v, static_cast<size_t>(PQgetlength(result, row, i)));
    size_t n = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
    if (!bytes) throw Error("PostgreSQL: could not decode a bytea value");
    std::string out(reinterpret_cast<const char*>(bytes), n);
    PQfreemem(bytes);
    return out;
  }

  PgConnection& c;
  std::string sql;
  std::vector<std::optional<std::string>> values;
  std::vector<int> formats;
  PGresult* result = nullptr;
  int row = -1;
};

struct PgConnection final : ConnectionImpl {
  explicit PgConnection(const std::string& conninfo) : conn(PQconnectdb(conninfo.c_str())) {
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
      std::string message = conn ? PQerrorMessage(conn) : "out of memory";
      while (!message.empty() && message.back() == '\n') message.pop_back();
      if (conn) PQfinish(conn);
      throw Error("PostgreSQL: cannot connect: " + message);
    }
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "already exists, skipping" and friends
  }
  ~PgConnection() override { PQfinish(conn); }
  Engine engine() const override { return Engine::kPostgres; }
  // A connection the server dropped (a restart, a failover) is opened again, unless a
  // transaction was under way: that one is lost, and its caller hears so.
  void EnsureOpen() {
    if (PQstatus(conn) == CONNECTION_OK) return;
    if (in_transaction) throw Error("PostgreSQL: the connection was lost during a transaction");
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) Fail(nullptr, conn, "(reconnecting)");
  }
  std::unique_ptr<StatementImpl> Prepare(const std::string& sql) override { return std::make_unique<PgStatement>(*this, sql); }
  int Exec(const std::string& sql) override {
    EnsureOpen();
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) Fail(r, conn, sql);
    const int changed = std::atoi(PQcmdTuples(r));
    PQclear(r);
    return changed;
  }
  void BeginWrite(bool writers_take_turns) override {
    Exec(writers_take_turns ? kBeginWrite : "BEGIN");
    in_transaction = true;
  }
  void Commit() override {
    in_transaction = false;
    Exec("COMMIT");
  }
  void Rollback() override {
    const bool was = in_transaction;
    in_transaction = false;
    if (was && PQstatus(conn) != CONNECTION_OK) return;  // the server already rolled it back
    Exec("ROLLBACK");
  }
  PGconn* conn;
  bool in_transaction = false;
};

bool PgStatement::Step() {
  if (!result) {
    c.EnsureOpen();
    std::vector<const char*> pointers(values.size());
    std::vector<int> lengths(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      pointers[i] = values[i] ? values[i]->data() : nullptr;
      lengths[i] = values[i] ? static_cast<int>(values[i]->size()) : 0;
    }
    result = PQexecParams(c.conn, sql.c_str(), static_cast<int>(values.size()), nullptr, pointers.data(), lengths.data(), formats.data(), 0);
    const ExecStatusType s = PQresultStatus(result);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      PGresult* failed = result;
      result = nullptr;
      Fail(failed, c.conn, sql);
    }
  }
  if (PQresultStatus(result) != PGRES_TUPLES_OK) return false;
  return ++row < PQntuples(result);
}

}  // namespace

std::unique_ptr<ConnectionImpl> OpenPostgres(const std::string& conninfo) { return std::make_unique<PgConnection>(conninfo); }

}  // namespace pw::db::detail

namespace pw::db {

struct Listener::Impl {
  std::unique_ptr<detail::PgConnection> c;
};

Listener::Listener(const std::string& url, const std::string& channel) : impl_(std::make_unique<Impl>()) {
  Engine engine;
  std::string target, error;
  if (!ParseUrl(url, engine, target, error)) throw Error(error);
  if (engine != Engine::kPostgres) throw Error("only PostgreSQL has notifications");
  impl_->c = std::make_unique<detail::PgConnection>(target);
  char* quoted = PQescapeIdentifier(impl_->c->conn, channel.c_str(), channel.size());
  if (!quoted) throw Error("PostgreSQL: cannot quote the channel name");
  const std::string listen = std::string("LISTEN ") + quoted;
  PQfreemem(quoted);
  impl_->c->Exec(listen);
}

Listener::~Listener() = default;

std::vector<std::string> Listener::Wait(int wait_ms) {
  PGconn* conn = impl_->c->conn;
  std::vector<std::string> out;
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn)) {
      out.emplace_back(n->extra);
      PQfreemem(n);
    }
  };
  drain();
  if (!out.empty()) return out;
  pollfd p{PQsocket(conn), POLLIN, 0};
  if (p.fd < 0) throw Error("PostgreSQL: the listening connection is closed");
  if (::poll(&p, 1, wait_ms) > 0 && PQconsumeInput(conn) == 0) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error("PostgreSQL: the listening connection was lost: " + message);
  }
  if (PQstatus(conn) != CONNECTION_OK) throw Error("PostgreSQL: the listening connection was lost");
  drain();
  return out;
}

}  // namespace pw::db
