// A whole league copied from one database to another, row for row with the
// same ids (`pitwall migrate --from ... --to ...`): SQLite to PostgreSQL when a
// league outgrows one machine, and back. Model files and the sealing key stay in
// the data folder, which both sides share (docs/DEPLOY.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "db.h"

namespace pw::server::store {

/// The league's tables in the order a copy writes them (a row's references come first).
const std::vector<std::string>& LeagueTables();

struct CopiedTable {
  std::string table;
  int64_t rows = 0;
};
/// Copies every row of every table from `from` to `to`, in one transaction on `to`. Both are at the
/// same schema (migrated); `to` must hold no league yet (throws db::Error saying so, changing nothing).
std::vector<CopiedTable> CopyLeague(db::Connection& from, db::Connection& to,
                                    const std::function<void(const CopiedTable&)>& progress = nullptr);

/// Every row of a table as text (NULL as "\u2205"), in key order: what the tests compare across engines.
std::vector<std::vector<std::string>> DumpTable(db::Connection& db, const std::string& table);

}  // namespace pw::server::store
