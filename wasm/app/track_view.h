// Draws a track with ImGui's draw lists: the road, its borders, the centre
// line, the start line and the direction of travel; optionally a driven path
// coloured by speed and the car. Interactive views zoom (wheel) and pan (drag).
#pragma once

#include <imgui.h>

#include <vector>

#include "pitwall/track.h"

namespace pw::web {

struct Frame;
struct CourseView;

struct TrackView {
  float zoom = 1.0f;
  ImVec2 pan{0, 0};  ///< in pixels
};

struct TrackOverlay {
  const std::vector<Frame>* path = nullptr;  ///< the frames to draw, coloured by speed
  int upto = -1;                              ///< draw the path up to this frame; the car sits there
  ImU32 car = IM_COL32(228, 87, 46, 255);
  bool speed_colours = true;                  ///< false: the path in the car's colour (a ghost)
  /// A line on the track (world metres), each stretch in the colour of its end point: a racing line
  /// coloured by time gained or lost, a speed heat map. Jumps (a reset) are not joined.
  const std::vector<Vec2>* line = nullptr;
  const std::vector<ImU32>* line_colours = nullptr;
  float line_width = 1.5f;                    ///< in track border widths
  const std::vector<Vec2>* marks = nullptr;   ///< crosses: where the car left the track
  /// Boxes and bot cars, drawn where the course has them at the frame the car sits at (with a path),
  /// or at the start (without).
  const CourseView* course = nullptr;
};

void DrawTrack(const char* id, const Track& track, TrackView& view, ImVec2 size, bool interactive,
               const std::vector<TrackOverlay>& overlays = {});

/// "Reset view" under a zoomed or panned view (nothing when it shows the whole track); true when pressed.
bool ResetViewButton(const char* id, TrackView& view);

/// Blue (slow) to red (fast) over 0..4 m/s.
ImU32 SpeedColour(float speed_mps);

}  // namespace pw::web
