// Whole-file reads for the command line, with a size limit and errors that name the file.
#pragma once

#include <cstddef>
#include <string>

#include "pitwall/result.h"

namespace pw::cli {

Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

}  // namespace pw::cli
