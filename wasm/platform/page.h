// Platform seam: settings kept in the browser (the session token), the clock,
// and the probe that tells the end-to-end tests what is on screen.
#pragma once

#include <string>

namespace pw::web {

std::string LoadSetting(const std::string& key);
void SaveSetting(const std::string& key, const std::string& value);

/// Milliseconds from a monotonic clock.
double NowMs();

/// Publishes what the UI shows (widget rectangles, values) as window.pitwallUi;
/// tests read it to know where to click.
void PublishProbe(const std::string& json);

}  // namespace pw::web
