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
#include "store/model_store.h"

namespace pw::server {
namespace {

json ModelJson(const store::ModelRecord& m) {
  return {{"id", m.id},         {"name", m.name}, {"sha256", m.sha256}, {"size_bytes", m.size_bytes}, {"created_at", Rfc3339(m.created_at)},
          {"metadata", json::parse(m.metadata_json, nullptr, false)}};
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
  for (const std::string& sha : store::UnneededModelFiles(league.db(), NowMs())) {
    std::error_code ec;
    std::filesystem::remove(league.models_dir() + "/" + sha + ".onnx", ec);
  }
}

// Stores an uploaded model that passed the gate; returns its id.
int64_t StoreModel(League& league, int64_t racer_id, const std::string& name, const std::string& bytes, const models::ModelReport& report) {
  store::ModelRecord m;
  m.racer_id = racer_id;
  m.name = name;
  m.sha256 = Sha256Hex(bytes);
  m.size_bytes = static_cast<int64_t>(bytes.size());
  m.metadata_json = WriteModelMetadata(*report.metadata);
  m.created_at = NowMs();
  const std::string path = league.models_dir() + "/" + m.sha256 + ".onnx";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !WriteDurably(path, bytes)) throw std::runtime_error("cannot write " + path);
  return store::InsertModel(league.db(), m);
}

void AddModelRoutes(Api& api) {
  League& league = api.league();
  const auto no_such_model = [](const httplib::Request& req, httplib::Response& res) {
    Problem(res, 404, "not-found", "No such model", "you have no model " + req.matches[1].str());
  };

  api.Add("POST", "/api/v1/models", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    std::string name = req.has_param("name") ? req.get_param_value("name") : "model";
    const json query = {{"name", name}};
    FieldReader names{query, {}};
    if (!names.String("name", true, 1, 64))
      return Problem(res, 422, "validation", "Invalid model name", "the name must be 1 to 64 characters of text", names.errors);
    const store::ModelHoldings held = store::Holdings(league.db(), racer->id);
    const ServerConfig& c = league.config();
    if (held.count >= c.max_models_per_racer)
      return Problem(res, 409, "quota-exceeded", "Too many models",
                     "you keep " + std::to_string(c.max_models_per_racer) + " models, the most a racer may; delete one first");
    if (held.bytes + static_cast<int64_t>(req.body.size()) > c.max_model_bytes_per_racer)
      return Problem(res, 409, "quota-exceeded", "Model storage full",
                     "your models would take more than " + std::to_string(c.max_model_bytes_per_racer >> 20) + " MiB; delete one first");
    const models::ModelReport report = models::InspectModel(req.body);
    if (!report.accepted()) {
      std::vector<FieldError> errors;
      for (const std::string& p : report.problems) errors.push_back({"model", p});
      return Problem(res, 422, "model-refused", "Model refused", report.problems[0], errors);
    }
    const int64_t id = StoreModel(league, racer->id, name, req.body, report);
    res.set_header("Location", "/api/v1/models/" + std::to_string(id));
    WriteJson(res, 201, ModelJson(*store::FindModel(league.db(), id, racer->id)));
  });

  api.Add("GET", "/api/v1/models", [&api, &league](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    json list = json::array();
    for (const store::ModelRecord& m : store::ListModels(league.db(), racer->id)) list.push_back(ModelJson(m));
    WriteJson(res, 200, {{"models", list}});
  });

  api.Add("GET", "/api/v1/models/{model_id}", [&api, &league, no_such_model](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const auto model = store::FindModel(league.db(), PathId(req, 1), racer->id);
    if (!model) return no_such_model(req, res);
    WriteJson(res, 200, ModelJson(*model));
  });

  // The model file itself, for trials in the owner's browser.
  api.Add("GET", "/api/v1/models/{model_id}/onnx", [&api, &league, no_such_model](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    const auto model = store::FindModel(league.db(), PathId(req, 1), racer->id);
    if (!model) return no_such_model(req, res);
    std::ifstream in(league.models_dir() + "/" + model->sha256 + ".onnx", std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    res.set_header("Cache-Control", "private, max-age=86400");  // content-addressed: it never changes
    res.set_content(bytes.str(), "application/octet-stream");
  });

  api.Add("PATCH", "/api/v1/models/{model_id}", [&api, &league, no_such_model](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (!store::FindModel(league.db(), PathId(req, 1), racer->id)) return no_such_model(req, res);
    auto body = JsonBody(req, res);
    if (!body) return;
    FieldReader f{*body, {}};
    const auto name = f.String("name", true, 1, 64);
    if (!f.errors.empty()) return Problem(res, 422, "validation", "Invalid model name", "the name must be 1 to 64 characters", f.errors);
    store::RenameModel(league.db(), PathId(req, 1), *name);
    WriteJson(res, 200, ModelJson(*store::FindModel(league.db(), PathId(req, 1), racer->id)));
  });

  api.Add("DELETE", "/api/v1/models/{model_id}", [&api, &league, no_such_model](const httplib::Request& req, httplib::Response& res) {
    auto racer = api.RequireRacer(req, res);
    if (!racer) return;
    if (!store::FindModel(league.db(), PathId(req, 1), racer->id)) return no_such_model(req, res);
    store::MarkModelDeleted(league.db(), PathId(req, 1), NowMs());
    CollectModelFiles(league);
    res.status = 204;
  });
}

}  // namespace pw::server
