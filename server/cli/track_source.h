// Resolves a --track argument: a built-in track id, or a track file to import.
#pragma once

#include <string>

#include "pitwall/result.h"
#include "pitwall/track.h"

namespace pw::cli {

/// A built-in id first; otherwise a path to a .npy, .csv or Pitwall .json track.
Result<Track> LoadTrack(const std::string& id_or_path);

}  // namespace pw::cli
