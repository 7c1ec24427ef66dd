// Platform seam: settings kept in the browser (the session token), the clock,
// the page (title, pixel ratio), when to draw, and the probe that tells the
// end-to-end tests what is on screen.
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

/// The document's title (the tab's name, what screen readers announce first).
void SetTitle(const std::string& title);

/// Device pixels per CSS pixel (2 on most phones and laptops; changes with the browser's zoom).
double DevicePixelRatio();

/// A touch screen is the main pointer (CSS "pointer: coarse"): targets grow to a finger's size.
bool CoarsePointer();

/// The app draws only when something may have changed. WakeUp asks for frames
/// (input, a network answer, a timer); the main loop takes the request with
/// TakeWakeUp and otherwise sleeps. Input events wake it by themselves.
void WakeUp();
bool TakeWakeUp();
/// Called by the main loop when it has nothing to draw: no frames until WakeUp.
void SleepUntilWokenUp();
/// Wakes the app after `ms` milliseconds (a poll that is due, a message that expires).
void WakeUpIn(double ms);

}  // namespace pw::web
