// Pitwall's built-in tracks: original layouts of our own design, built from
// straights and constant-radius arcs so their corner radii are exact.
#pragma once

#include <string>
#include <vector>

#include "pitwall/result.h"
#include "pitwall/track.h"

namespace pw {

/// Ids of the built-in tracks, in display order.
std::vector<std::string> BuiltinTrackIds();
/// A built-in track by id; the error lists the ids there are.
Result<Track> BuiltinTrack(const std::string& id);

/// A piece of a designed centre line.
struct TrackPiece {
  enum class Kind { kStraight, kArc, kClosingStraight };
  Kind kind = Kind::kStraight;
  double length_m = 0.0;   ///< straights
  double radius_m = 0.0;   ///< arcs
  double turn_deg = 0.0;   ///< arcs: + = left
};

/// Lays out pieces from the origin heading east. Exactly two kClosingStraight
/// pieces, on non-parallel headings, get the lengths that close the loop; the
/// pieces must turn through +-360 degrees in all. Borders are offset by half
/// the width on each side; samples are about `spacing_m` apart.
Result<TrackDef> DesignTrack(const std::string& id, const std::string& name, const std::vector<TrackPiece>& pieces,
                             double width_m, double spacing_m = 0.15);

}  // namespace pw
