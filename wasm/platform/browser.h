// Platform seams of the page: files, clipboard, routes (the URL), settings
// (localStorage), the test probe, and the clock.
#pragma once

#include <functional>
#include <string>

namespace pw::web {

/// Opens the browser's file picker; `done` gets the chosen file's name and bytes.
void PickFile(const std::string& accept, std::function<void(const std::string& name, const std::string& bytes)> done);
void CopyToClipboard(const std::string& text);
/// Saves bytes as a file through the browser's downloads.
void DownloadFile(const std::string& name, const std::string& bytes, const std::string& mime);

/// The page's path (e.g. /races/3 or /join/<token>), and moving to another one.
std::string CurrentPath();
void NavigateTo(const std::string& path);
/// The page origin, e.g. http://127.0.0.1:8080
std::string Origin();

std::string LoadSetting(const std::string& key);
void SaveSetting(const std::string& key, const std::string& value);

/// Milliseconds from a monotonic clock.
double NowMs();

/// Publishes what the UI shows (widget rectangles, values) for the end-to-end
/// tests, as window.pitwallUi. Tests read it to know where to click.
void PublishProbe(const std::string& json);

}  // namespace pw::web
