#include "track_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pitwall/track_io.h"
#include "pitwall/track_library.h"

namespace pw::cli {

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": no such file"};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{path + ": " + ec.message()};
  if (size > 64ull * 1024 * 1024) return Error{path + ": too large for a track file (" + std::to_string(size) + " bytes)"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot be opened"};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<Track> LoadTrack(const std::string& id_or_path) {
  for (const std::string& id : BuiltinTrackIds())
    if (id == id_or_path) return BuiltinTrack(id);
  std::error_code ec;
  if (!std::filesystem::exists(id_or_path, ec)) {
    std::string ids;
    for (const std::string& id : BuiltinTrackIds()) ids += (ids.empty() ? "" : ", ") + id;
    return Error{"'" + id_or_path + "' is neither a built-in track (" + ids + ") nor a file"};
  }
  Result<std::string> bytes = ReadFile(id_or_path);
  if (!bytes) return bytes.error();
  return ImportTrack(bytes.value(), id_or_path);
}

}  // namespace pw::cli
