// Reading and writing track files. No file IO here: callers pass the bytes
// and the file's name (used in error messages and as the default track id).
//
// Formats:
//  - DeepRacer route .npy: NumPy format 1.0/2.0, '<f8', C order, shape (N, 6).
//  - CSV with the header center_x,center_y,inner_x,inner_y,outer_x,outer_y.
//  - Pitwall track JSON (format "pitwall-track", version 1), see docs/TRACK_FORMAT.md.
// Every error starts with the file name, and names the row where it applies.
#pragma once

#include <string>
#include <string_view>

#include "pitwall/result.h"
#include "pitwall/track.h"

namespace pw {

inline constexpr int kTrackFormatVersion = 1;

enum class TrackFileFormat { kNpy, kCsv, kPitwallJson };

/// Guesses the format from the content (NumPy magic, a leading '{', else CSV).
TrackFileFormat DetectTrackFormat(std::string_view bytes);

/// Parses and checks a track file of any supported format.
Result<Track> ImportTrack(std::string_view bytes, const std::string& file_name);
Result<TrackDef> ParseNpyTrack(std::string_view bytes, const std::string& file_name);
Result<TrackDef> ParseCsvTrack(std::string_view bytes, const std::string& file_name);
Result<TrackDef> ParsePitwallTrack(std::string_view bytes, const std::string& file_name);

/// Writes a track in Pitwall's own JSON format (closed loops repeat the first row last, as DeepRacer does).
std::string WritePitwallTrack(const Track& track);

}  // namespace pw
