// What an engine implements (db.h's classes forward to these). Internal to server/db.
#pragma once

#include <memory>
#include <string>

#include "db.h"

namespace pw::db::detail {

struct StatementImpl {
  virtual ~StatementImpl() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, const std::string& value) = 0;
  virtual void BindBlob(int index, const void* data, size_t size) = 0;
  virtual void BindNull(int index) = 0;
  virtual bool Step() = 0;
  virtual int Changes() = 0;  ///< rows the statement changed, after it ran
  virtual void Reset() = 0;
  virtual bool IsNull(int index) = 0;
  virtual int64_t Int(int index) = 0;
  virtual double Double(int index) = 0;
  virtual std::string Text(int index) = 0;
};

struct ConnectionImpl {
  virtual ~ConnectionImpl() = default;
  virtual Engine engine() const = 0;
  virtual std::unique_ptr<StatementImpl> Prepare(const std::string& sql) = 0;
  virtual int Exec(const std::string& sql) = 0;
  virtual void BeginWrite(bool writers_take_turns) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
};

std::unique_ptr<ConnectionImpl> OpenSqlite(const std::string& path);
std::unique_ptr<ConnectionImpl> OpenPostgres(const std::string& conninfo);

}  // namespace pw::db::detail
