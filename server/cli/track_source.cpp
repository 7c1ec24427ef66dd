#include "track_source.h"

#include <filesystem>

#include "files.h"

#include "pitwall/track_io.h"
#include "pitwall/track_library.h"

namespace pw::cli {

constexpr size_t kMaxTrackFileBytes = 16u * 1024u * 1024u;

Result<Track> LoadTrack(const std::string& id_or_path) {
  for (const std::string& id : BuiltinTrackIds())
    if (id == id_or_path) return BuiltinTrack(id);
  std::error_code ec;
  if (!std::filesystem::exists(id_or_path, ec)) {
    std::string ids;
    for (const std::string& id : BuiltinTrackIds()) ids += (ids.empty() ? "" : ", ") + id;
    return Error{"'" + id_or_path + "' is neither a built-in track (" + ids + ") nor a file"};
  }
  Result<std::string> bytes = ReadFile(id_or_path, kMaxTrackFileBytes);
  if (!bytes) return bytes.error();
  return ImportTrack(bytes.value(), id_or_path);
}

}  // namespace pw::cli
