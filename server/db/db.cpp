#include "db.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include "engine.h"

namespace pw::db {

bool Column::isNull() const { return s_.IsNull(index_); }
int64_t Column::getInt64() const { return s_.Int(index_); }
int Column::getInt() const { return static_cast<int>(s_.Int(index_)); }
double Column::getDouble() const { return s_.Double(index_); }
std::string Column::getString() const { return s_.Text(index_); }

Connection::Connection(std::unique_ptr<detail::ConnectionImpl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;
Engine Connection::engine() const { return impl_->engine(); }
int Connection::exec(const std::string& sql) { return impl_->Exec(sql); }

int64_t Connection::queryInt(const std::string& sql) {
  Statement q(*this, sql);
  return q.executeStep() && !q.getColumn(0).isNull() ? q.getColumn(0).getInt64() : 0;
}

bool ParseUrl(const std::string& url, Engine& engine, std::string& target, std::string& error) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    engine = Engine::kPostgres;
    target = url;
    return true;
  }
  if (url.rfind("sqlite:", 0) == 0) {
    engine = Engine::kSqlite;
    target = url.substr(7);
    if (target.rfind("//", 0) == 0) target = target.substr(2);  // sqlite:///abs/path
  } else if (url.find("://") != std::string::npos) {
    error = "unknown database URL '" + Redacted(url) + "': use sqlite:PATH or postgresql://user@host:port/dbname";
    return false;
  } else {
    engine = Engine::kSqlite;
    target = url;
  }
  if (target.empty()) {
    error = "the SQLite URL names no file: use sqlite:PATH";
    return false;
  }
  return true;
}

std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  const size_t colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::unique_ptr<Connection> Open(const std::string& url) {
  Engine engine;
  std::string target, error;
  if (!ParseUrl(url, engine, target, error)) throw Error(error);
  return std::make_unique<Connection>(engine == Engine::kSqlite ? detail::OpenSqlite(target) : detail::OpenPostgres(target));
}

Statement::Statement(Connection& db, const std::string& sql) : impl_(db.impl_->Prepare(sql)) {}
Statement::~Statement() = default;
void Statement::bind(int index, int64_t value) { impl_->BindInt(index, value); }
void Statement::bind(int index, double value) { impl_->BindDouble(index, value); }
void Statement::bind(int index, const std::string& value) { impl_->BindText(index, value); }
void Statement::bind(int index, Blob value) { impl_->BindBlob(index, value.data, value.size); }
void Statement::bind(int index) { impl_->BindNull(index); }
bool Statement::executeStep() { return impl_->Step(); }
int Statement::exec() {
  while (impl_->Step()) {
  }
  return impl_->Changes();
}
void Statement::reset() { impl_->Reset(); }
Column Statement::getColumn(int index) { return Column(*impl_, index); }

Transaction::Transaction(Connection& db, Lock lock) : db_(db), level_(db.depth_ + 1) {
  if (level_ == 1) db_.impl_->BeginWrite(lock == Lock::kWriters);
  else db_.impl_->Exec("SAVEPOINT pw_" + std::to_string(level_));
  db_.depth_ = level_;
}
Transaction::~Transaction() {
  if (done_) return;
  db_.depth_ = level_ - 1;
  try {
    if (level_ == 1) db_.impl_->Rollback();
    else db_.impl_->Exec("ROLLBACK TO SAVEPOINT pw_" + std::to_string(level_) + "; RELEASE SAVEPOINT pw_" + std::to_string(level_));
  } catch (...) {  // a destructor must not throw; the connection reports its state on the next call
  }
}
void Transaction::commit() {
  if (level_ == 1) db_.impl_->Commit();
  else db_.impl_->Exec("RELEASE SAVEPOINT pw_" + std::to_string(level_));
  db_.depth_ = level_ - 1;
  done_ = true;
}

namespace {
// What pools have lent this thread, by URL.
thread_local std::map<std::string, Connection*> lent;
}  // namespace

struct Pool::State {
  std::string url;
  int size, wait_ms;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Connection>> idle;
  int open = 0;
};

Pool::Pool(std::string url, int size, int wait_ms) : s_(std::make_unique<State>()) {
  s_->url = std::move(url);
  s_->size = std::max(1, size);
  s_->wait_ms = wait_ms;
}
Pool::~Pool() = default;

bool Pool::LentHere() const {
  const auto it = lent.find(s_->url);
  return it != lent.end() && it->second != nullptr;
}

int Pool::open() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->open;
}

Pool::Lease Pool::Borrow() {
  std::unique_lock<std::mutex> lock(s_->mu);
  if (!s_->cv.wait_for(lock, std::chrono::milliseconds(s_->wait_ms), [&] { return !s_->idle.empty() || s_->open < s_->size; }))
    throw Busy("all " + std::to_string(s_->size) + " database connections stayed busy for " + std::to_string(s_->wait_ms) + " ms");
  if (!s_->idle.empty()) {
    std::unique_ptr<Connection> c = std::move(s_->idle.back());
    s_->idle.pop_back();
    return Lease(this, std::move(c));
  }
  ++s_->open;
  lock.unlock();
  try {
    return Lease(this, Open(s_->url));
  } catch (...) {
    std::lock_guard<std::mutex> again(s_->mu);
    --s_->open;
    s_->cv.notify_one();
    throw;
  }
}

Pool::Lease::Lease(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {
  Connection*& slot = lent[pool_->s_->url];
  previous_ = slot;
  slot = c_.get();
}

Pool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), c_(std::move(other.c_)), previous_(other.previous_) { other.pool_ = nullptr; }

Pool::Lease::~Lease() {
  if (!pool_ || !c_) return;
  lent[pool_->s_->url] = previous_;
  std::lock_guard<std::mutex> lock(pool_->s_->mu);
  if (c_->depth_ == 0) {
    pool_->s_->idle.push_back(std::move(c_));
  } else {  // an exception left a transaction open on it: it is not lent again
    c_.reset();
    --pool_->s_->open;
  }
  pool_->s_->cv.notify_one();
}

Connection& ThreadConnection(const std::string& url) {
  if (auto it = lent.find(url); it != lent.end() && it->second) return *it->second;
  thread_local std::map<std::string, std::unique_ptr<Connection>> connections;
  auto& c = connections[url];
  if (!c) c = Open(url);
  return *c;
}

}  // namespace pw::db
