#include "model_source.h"

#include <filesystem>

#include "files.h"

namespace pw::cli {

Result<LoadedModel> ReadModelFiles(const std::string& model_file, const std::string& metadata_file) {
  // Files up to 64 MiB are read so that the gate itself can say what its 8 MiB limit is.
  Result<std::string> bytes = ReadFile(model_file, 64u << 20);
  if (!bytes) return bytes.error();
  std::error_code ec;
  std::optional<std::string> metadata;
  std::string path = metadata_file;
  if (path.empty()) {
    const auto beside = std::filesystem::path(model_file).parent_path() / "model_metadata.json";
    if (std::filesystem::exists(beside, ec)) path = beside.string();
  }
  if (!path.empty()) {
    Result<std::string> md = ReadFile(path, 1u << 20);
    if (!md) return md.error();
    metadata = md.value();
  }
  LoadedModel loaded;
  loaded.report = models::InspectModel(bytes.value(), metadata);
  loaded.bytes = std::move(bytes).value();
  return loaded;
}

}  // namespace pw::cli
