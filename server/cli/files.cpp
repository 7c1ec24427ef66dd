#include "files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pw::cli {

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": no such file"};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{path + ": " + ec.message()};
  if (size > max_bytes)
    return Error{path + ": " + std::to_string(size) + " bytes is over the limit of " + std::to_string(max_bytes) + " bytes"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot be opened"};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace pw::cli
