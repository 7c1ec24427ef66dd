#include "store/model_store.h"

namespace pw::server::store {
namespace {

constexpr const char* kColumns = "id, racer_id, name, sha256, size_bytes, metadata, created_at";

ModelRecord Read(db::Statement& q) {
  ModelRecord m;
  m.id = q.getColumn(0).getInt64();
  m.racer_id = q.getColumn(1).getInt64();
  m.name = q.getColumn(2).getString();
  m.sha256 = q.getColumn(3).getString();
  m.size_bytes = q.getColumn(4).getInt64();
  m.metadata_json = q.getColumn(5).getString();
  m.created_at = q.getColumn(6).getInt64();
  return m;
}

}  // namespace

std::optional<ModelRecord> FindModel(db::Connection& db, int64_t id, int64_t racer_id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + " FROM models WHERE id = ? AND racer_id = ? AND deleted_at IS NULL");
  q.bind(1, id);
  q.bind(2, racer_id);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

std::vector<ModelRecord> ListModels(db::Connection& db, int64_t racer_id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + " FROM models WHERE racer_id = ? AND deleted_at IS NULL ORDER BY id");
  q.bind(1, racer_id);
  std::vector<ModelRecord> out;
  while (q.executeStep()) out.push_back(Read(q));
  return out;
}

ModelHoldings Holdings(db::Connection& db, int64_t racer_id) {
  db::Statement q(db, "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM models WHERE racer_id = ? AND deleted_at IS NULL");
  q.bind(1, racer_id);
  q.executeStep();
  return {q.getColumn(0).getInt(), q.getColumn(1).getInt64()};
}

int64_t InsertModel(db::Connection& db, const ModelRecord& m) {
  db::Statement q(db, "INSERT INTO models (racer_id, name, sha256, size_bytes, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  q.bind(1, m.racer_id);
  q.bind(2, m.name);
  q.bind(3, m.sha256);
  q.bind(4, m.size_bytes);
  q.bind(5, m.metadata_json);
  q.bind(6, m.created_at);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void RenameModel(db::Connection& db, int64_t id, const std::string& name) {
  db::Statement q(db, "UPDATE models SET name = ? WHERE id = ?");
  q.bind(1, name);
  q.bind(2, id);
  q.exec();
}

void MarkModelDeleted(db::Connection& db, int64_t id, int64_t now_ms) {
  db::Statement q(db, "UPDATE models SET deleted_at = ? WHERE id = ?");
  q.bind(1, now_ms);
  q.bind(2, id);
  q.exec();
}

std::vector<std::string> UnneededModelFiles(db::Connection& db, int64_t now_ms) {
  db::Statement q(db,
                      "SELECT DISTINCT m.sha256 FROM models m WHERE m.deleted_at IS NOT NULL "
                      "AND NOT EXISTS (SELECT 1 FROM models k WHERE k.sha256 = m.sha256 AND k.deleted_at IS NULL) "
                      "AND NOT EXISTS (SELECT 1 FROM submissions s JOIN models k ON k.id = s.model_id JOIN races r ON r.id = s.race_id "
                      "  WHERE k.sha256 = m.sha256 AND (s.status IN ('QUEUED', 'EVALUATING') OR r.closes_at > ?))");
  q.bind(1, now_ms);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

}  // namespace pw::server::store
