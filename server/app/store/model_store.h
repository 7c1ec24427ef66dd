// The models table: typed records and the SQL that reads and writes them.
// Route handlers and the rest of the server call these; no SQL about models
// lives anywhere else (a PostgreSQL store would implement the same calls).
#pragma once

#include "db.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pw::server::store {

struct ModelRecord {
  int64_t id = 0;
  int64_t racer_id = 0;
  std::string name;
  std::string sha256;         ///< of the file: models are stored once per content (<data>/models/<sha256>.onnx)
  int64_t size_bytes = 0;
  std::string metadata_json;  ///< model_metadata as the gate read it
  int64_t created_at = 0;     ///< ms since the epoch
};

/// What a racer keeps: how many live models, how many bytes.
struct ModelHoldings {
  int count = 0;
  int64_t bytes = 0;
};

/// The racer's live (not deleted) model `id`, if it is theirs.
std::optional<ModelRecord> FindModel(db::Connection& db, int64_t id, int64_t racer_id);
/// The racer's live models, oldest first.
std::vector<ModelRecord> ListModels(db::Connection& db, int64_t racer_id);
ModelHoldings Holdings(db::Connection& db, int64_t racer_id);
/// Adds a model whose file is already stored; its id.
int64_t InsertModel(db::Connection& db, const ModelRecord& model);
void RenameModel(db::Connection& db, int64_t id, const std::string& name);
void MarkModelDeleted(db::Connection& db, int64_t id, int64_t now_ms);
/// Files (by sha256) that only deleted models use and no live submission needs: queued or
/// evaluating, or in a race that has not closed by `now_ms`.
std::vector<std::string> UnneededModelFiles(db::Connection& db, int64_t now_ms);

}  // namespace pw::server::store
