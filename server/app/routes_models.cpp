// A racer's model library: upload through the gate, list, rename, delete.
// Files are stored once per SHA-256 under <data>/models; a deleted model's
// file stays while a live submission (queued, evaluating, or in a race that
// has not closed) still uses it.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api.h"
#include "database.h"
#include "model_gate.h"

namespace pw::server {
namespace {

json ModelJson(SQLite::Statement& q) {
  // columns: id, name, sha256, size_bytes, metadata, created_at
  json metadata = json::parse(q.getColumn(4).getString(), nullptr, false);
  return {{"id", q.getColumn(0).getInt64()}, {"name", q.getColumn(1).getString()}, {"sha256", q.getColumn(2).getString()},
          {"size_bytes", q.getColumn(3).getInt64()}, {"created_at", Rfc3339(q.getColumn(5).getInt64())}, {"metadata", metadata}};
}

// Writes a file so that it is whole on disk before anyone refers to it.
bool WriteDurably(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) return false;
  const int dir = ::open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace

// Removes model files no live model or submission needs any more.
void CollectModelFiles(League& league) {
  SQLite::Database& db = league.db();
  SQLite::Statement q(db,
                      "SELECT DISTINCT m.sha256 FROM models m WHERE m.deleted_at IS NOT NULL "
                      "AND NOT EXISTS (SELECT 1 FROM models k WHERE k.sha256 = m.sha256 AND k.deleted_at IS NULL) "
                      "AND NOT EXISTS (SELECT 1 FROM submissions s JOIN models k ON k.id = s.model_id JOIN races r ON r.id = s.race_id "
                      "  WHERE k.sha256 = m.sha256 AND (s.status IN ('QUEUED', 'EVALUATING') OR r.closes_at > ?))");
  q.bind(1, NowMs());
  while (q.executeStep()) {
    std::error_code ec;
    std::filesystem::remove(league.models_dir() + "/" + q.getColumn(0).getString() + ".onnx", ec);
  }
}

// Stores an uploaded model that passed the gate; returns its id.
int64_t StoreModel(League& league, int64_t racer_id, const std::string& name, const std::string& bytes, const models::ModelReport& report) {
  const std::string sha = Sha256Hex(bytes);
  const std::string path = league.models_dir() + "/" + sha + ".onnx";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !WriteDurably(path, bytes)) throw std::runtime_error("cannot write " + path);
  SQLite::Statement ins(league.db(),
                        "INSERT INTO models (racer_id, name, sha256, size_bytes, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  ins.bind(1, racer_id);
  ins.bind(2, name);
  ins.bind(3, sha);
  ins.bind(4, static_cast<int64_t>(bytes.size()));
  ins.bind(5, WriteModelMetadata(*report.metadata));
  ins.bind(6, NowMs());
  ins.executeStep();
  return ins.getColumn(0).getInt64();
}

void AddModelRoutes(Api& api) {
  League& league = api.league();
  auto fetch = [&league](int64_t model_id, int64_t racer_id) {
    auto q = std::make_unique<SQLite::Statement>(
        league.db(), "SELECT id, name, sha256, size_bytes, metadata, created_at FROM models WHERE id = ? AND racer_id = ? AND deleted_at IS NULL");
    q->bind(1, model_id);
    q->bind(2, racer_id);
    return q;
  };

  api.Add("POST", "/api/v1/models", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    std::string name = req.has_param("name") ? req.get_param_value("name") : "model";
    const json query = {{"name", name}};
    FieldReader names{query, {}};
    if (!names.String("name", true, 1, 64))
      return Problem(res, 422, "validation", "Invalid model name", "the name must be 1 to 64 characters of text", names.errors);
    {
      SQLite::Statement held(league.db(), "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM models WHERE racer_id = ? AND deleted_at IS NULL");
      held.bind(1, racer->id);
      held.executeStep();
      const ServerConfig& c = league.config();
      if (held.getColumn(0).getInt() >= c.max_models_per_racer)
        return Problem(res, 409, "quota-exceeded", "Too many models",
                       "you keep " + std::to_string(c.max_models_per_racer) + " models, the most a racer may; delete one first");
      if (held.getColumn(1).getInt64() + static_cast<int64_t>(req.body.size()) > c.max_model_bytes_per_racer)
        return Problem(res, 409, "quota-exceeded", "Model storage full",
                       "your models would take more than " + std::to_string(c.max_model_bytes_per_racer >> 20) + " MiB; delete one first");
    }
    const models::ModelReport report = models::InspectModel(req.body);
    if (!report.accepted()) {
      std::vector<FieldError> errors;
      for (const std::string& p : report.problems) errors.push_back({"model", p});
      return Problem(res, 422, "model-refused", "Model refused", report.problems[0], errors);
    }
    const int64_t id = StoreModel(league, racer->id, name, req.body, report);
    auto q = std::make_unique<SQLite::Statement>(league.db(), "SELECT id, name, sha256, size_bytes, metadata, created_at FROM models WHERE id = ?");
    q->bind(1, id);
    q->executeStep();
    res.set_header("Location", "/api/v1/models/" + std::to_string(id));
    WriteJson(res, 201, ModelJson(*q));
  });

  api.Add("GET", "/api/v1/models", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    SQLite::Statement q(league.db(),
                        "SELECT id, name, sha256, size_bytes, metadata, created_at FROM models WHERE racer_id = ? AND deleted_at IS NULL ORDER BY id");
    q.bind(1, racer->id);
    json list = json::array();
    while (q.executeStep()) list.push_back(ModelJson(q));
    WriteJson(res, 200, {{"models", list}});
  });

  api.Add("GET", "/api/v1/models/{model_id}", [&api, fetch](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto q = fetch(PathId(req, 1), racer->id);
    if (!q->executeStep()) return Problem(res, 404, "not-found", "No such model", "you have no model " + req.matches[1].str());
    WriteJson(res, 200, ModelJson(*q));
  });

  // The model file itself, for trials in the owner's browser.
  api.Add("GET", "/api/v1/models/{model_id}/onnx", [&api, &league, fetch](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    auto q = fetch(PathId(req, 1), racer->id);
    if (!q->executeStep()) return Problem(res, 404, "not-found", "No such model", "you have no model " + req.matches[1].str());
    std::ifstream in(league.models_dir() + "/" + q->getColumn(2).getString() + ".onnx", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    res.set_header("Cache-Control", "private, max-age=86400");  // content-addressed: it never changes
    res.set_content(bytes.str(), "application/octet-stream");
  });

  api.Add("PATCH", "/api/v1/models/{model_id}", [&api, &league, fetch](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (!fetch(PathId(req, 1), racer->id)->executeStep())
      return Problem(res, 404, "not-found", "No such model", "you have no model " + req.matches[1].str());
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto name = f.String("name", true, 1, 64);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid model name", "the name must be 1 to 64 characters", f.errors);
    SQLite::Statement u(league.db(), "UPDATE models SET name = ? WHERE id = ?");
    u.bind(1, *name);
    u.bind(2, PathId(req, 1));
    u.exec();
    auto q = fetch(PathId(req, 1), racer->id);
    q->executeStep();
    WriteJson(res, 200, ModelJson(*q));
  });

  api.Add("DELETE", "/api/v1/models/{model_id}", [&api, &league, fetch](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (!fetch(PathId(req, 1), racer->id)->executeStep())
      return Problem(res, 404, "not-found", "No such model", "you have no model " + req.matches[1].str());
    SQLite::Statement u(league.db(), "UPDATE models SET deleted_at = ? WHERE id = ?");
    u.bind(1, NowMs());
    u.bind(2, PathId(req, 1));
    u.exec();
    CollectModelFiles(league);
    res.status = 204;
  });
}

}  // namespace pw::server
