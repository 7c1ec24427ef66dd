// The league's two storage engines behind one small interface: SQLite (embedded,
// the default: a file in the data folder) and PostgreSQL (libpq; shared by many
// servers and workers). Stores (server/app/store/) write portable SQL with `?`
// placeholders, which each engine binds its own way; what differs between the
// engines (the schema's DDL, the SQL of a migration) is asked of engine().
//
// The calls are SQLiteCpp's (Statement::bind, executeStep, getColumn, exec,
// Transaction::commit), so code reads the same on either engine. A database is
// named by a URL: `sqlite:/path/pitwall.db` (or a bare path) or
// `postgresql://user@host:port/dbname` (libpq's connection URI).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pw::db {

enum class Engine { kSqlite, kPostgres };

/// Any failure of the database: connecting, a statement, a constraint.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, bool unique_violation = false)
      : std::runtime_error(what), unique_violation_(unique_violation) {}
  /// A UNIQUE or PRIMARY KEY constraint refused the write.
  bool unique_violation() const { return unique_violation_; }

 private:
  bool unique_violation_;
};

/// Every connection of the pool stayed in use for its wait (5 s in the server): the
/// server is busy, not broken; callers answer 503 with Retry-After.
class Busy : public Error {
 public:
  using Error::Error;
};

namespace detail {
struct StatementImpl;
struct ConnectionImpl;
}  // namespace detail

/// A bytes parameter (stored as BLOB / BYTEA), as opposed to text.
struct Blob {
  const void* data;
  size_t size;
};

class Statement;

/// One value of a statement's current row.
class Column {
 public:
  bool isNull() const;
  int64_t getInt64() const;
  int getInt() const;
  double getDouble() const;
  /// Text, or a blob's bytes.
  std::string getString() const;

 private:
  friend class Statement;
  Column(detail::StatementImpl& s, int index) : s_(s), index_(index) {}
  detail::StatementImpl& s_;
  int index_;
};

class Connection {
 public:
  explicit Connection(std::unique_ptr<detail::ConnectionImpl> impl);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Engine engine() const;
  /// Runs SQL without parameters (several statements are allowed); rows changed by the last.
  int exec(const std::string& sql);
  /// The first column of the first row of a query without parameters (0 when it has no rows).
  int64_t queryInt(const std::string& sql);

 private:
  friend class Statement;
  friend class Transaction;
  friend class Pool;
  std::unique_ptr<detail::ConnectionImpl> impl_;
  int depth_ = 0;  ///< open transactions (the outer one and its savepoints)
};

/// Opens a connection to the database a URL names (creating a SQLite file if needed).
std::unique_ptr<Connection> Open(const std::string& url);
/// The engine a URL names, without connecting; false (and `error`) when it names none.
bool ParseUrl(const std::string& url, Engine& engine, std::string& target, std::string& error);
/// A URL for logs: a PostgreSQL password is replaced by ***.
std::string Redacted(const std::string& url);

class Statement {
 public:
  Statement(Connection& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, int64_t value);
  void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
  void bind(int index, bool value) = delete;  // say 1 or 0: both engines store flags as integers
  void bind(int index, double value);
  void bind(int index, const std::string& value);
  void bind(int index, const char* value) { bind(index, std::string(value)); }
  void bind(int index, Blob value);
  void bind(int index);  ///< NULL

  /// Runs the statement (on the first call) and moves to the next row; false when there is none.
  bool executeStep();
  /// Runs a statement that returns no rows; how many rows it changed.
  int exec();
  /// Ready to run again (the bindings stay).
  void reset();
  Column getColumn(int index);

 private:
  std::unique_ptr<detail::StatementImpl> impl_;
};

/// A write transaction: SQLite's BEGIN IMMEDIATE; on PostgreSQL, BEGIN plus a
/// transaction-scoped advisory lock, so writers take turns exactly as they do on
/// SQLite and every read-then-write in a transaction sees no other writer.
/// Rolled back unless committed. Inside another transaction it is a savepoint:
/// a store's operation can be part of a larger one (the demo league's seed).
class Transaction {
 public:
  /// kWriters: writers take turns (above). kRows: on PostgreSQL, only the rows the transaction
  /// locks itself (SELECT ... FOR UPDATE SKIP LOCKED), so that many workers claim jobs at once;
  /// on SQLite the same as kWriters.
  enum class Lock { kWriters, kRows };
  explicit Transaction(Connection& db, Lock lock = Lock::kWriters);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& db_;
  int level_;  ///< 1: the outer transaction; more: a savepoint
  bool done_ = false;
};

/// PostgreSQL's LISTEN: the notifications (NOTIFY, pg_notify) sent on a channel, on a connection
/// of its own. Every server listens, so what one server or worker publishes reaches them all.
class Listener {
 public:
  /// Throws Error when `url` is not PostgreSQL's or it cannot connect.
  Listener(const std::string& url, const std::string& channel);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  /// Waits up to `wait_ms` for notifications and returns their payloads (none: empty). Throws
  /// Error when the connection is lost (notifications sent meanwhile are lost with it).
  std::vector<std::string> Wait(int wait_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A bounded set of connections to one database, each lent to one thread at a time (PostgreSQL:
/// a connection is a server process; a thread pool of a hundred must not hold a hundred of them).
class Pool {
 public:
  /// At most `size` connections, opened when first needed; a borrower waits up to `wait_ms`.
  Pool(std::string url, int size, int wait_ms);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// While a Lease lives, ThreadConnection(url) on its thread answers the lent connection.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<Connection> c);
    Pool* pool_;
    std::unique_ptr<Connection> c_;
    Connection* previous_ = nullptr;
  };
  /// Lends a connection to this thread; throws Error when every one stays busy for `wait_ms`.
  Lease Borrow();
  /// Whether this thread holds one of this pool's connections now.
  bool LentHere() const;
  int open() const;  ///< connections open now (lent or idle)

 private:
  struct State;
  std::unique_ptr<State> s_;
};

/// This thread's connection to `url`: the one a Pool lent it, else its own (opened on first use,
/// kept for the thread's life).
Connection& ThreadConnection(const std::string& url);

}  // namespace pw::db
