// Platform seam: the browser's file picker and downloads.
#pragma once

#include <functional>
#include <string>

namespace pw::web {

/// Opens the browser's file picker; `done` gets the chosen file's name and bytes.
void PickFile(const std::string& accept, std::function<void(const std::string& name, const std::string& bytes)> done);
/// Saves bytes as a file through the browser's downloads.
void DownloadFile(const std::string& name, const std::string& bytes, const std::string& mime);

}  // namespace pw::web
