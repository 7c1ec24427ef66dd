// pitwall track: import and check track files, list the built-in tracks.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "commands.h"
#include "pitwall/track_io.h"
#include "pitwall/track_library.h"
#include "files.h"
#include "track_source.h"

namespace pw::cli {
namespace {

void PrintSummary(const Track& t) {
  const TrackStats& s = t.stats();
  std::printf("%s (%s)\n", t.name().c_str(), t.id().c_str());
  std::printf("  %s, %d waypoints\n", t.closed() ? (s.clockwise ? "closed loop, clockwise" : "closed loop, counter-clockwise") : "open segment",
              s.waypoints);
  std::printf("  length          %.2f m\n", s.length_m);
  std::printf("  width           %.2f m mean (%.2f - %.2f m)\n", s.mean_width_m, s.min_width_m, s.max_width_m);
  if (std::isinf(s.min_radius_m)) std::printf("  tightest corner none (straight)\n");
  else std::printf("  tightest corner %.2f m radius, %.1f m from the start\n", s.min_radius_m, s.min_radius_at_m);
}

}  // namespace

Run AddTrackCommand(CLI::App& app) {
  struct Options {
    std::string file, out;
    bool check = false;
    bool list = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("track", "Import, check and list tracks");
  cmd->require_subcommand(1);
  CLI::App* import = cmd->add_subcommand("import", "Validate a track file (.npy, .csv or Pitwall .json) and show its figures");
  import->add_option("file", o->file, "the track file")->required();
  import->add_flag("--check", o->check, "only validate: print the figures, write nothing");
  import->add_option("--out", o->out, "write the track in Pitwall's own format to this file");
  CLI::App* list = cmd->add_subcommand("list", "List the built-in tracks");
  list->callback([o] { o->list = true; });
  return [o]() -> int {
    if (o->list) {
      for (const std::string& id : BuiltinTrackIds()) PrintSummary(BuiltinTrack(id).value());
      return 0;
    }
    Result<std::string> bytes = ReadFile(o->file, 16u * 1024u * 1024u);
    if (!bytes) {
      std::fprintf(stderr, "pitwall track import: %s\n", bytes.error().message.c_str());
      return 2;
    }
    Result<Track> track = ImportTrack(bytes.value(), o->file);
    if (!track) {
      std::fprintf(stderr, "pitwall track import: %s\n", track.error().message.c_str());
      return 1;
    }
    PrintSummary(track.value());
    if (!o->check && !o->out.empty()) {
      std::ofstream out(o->out, std::ios::binary);
      out << WritePitwallTrack(track.value()) << "\n";
      if (!out) {
        std::fprintf(stderr, "pitwall track import: cannot write %s\n", o->out.c_str());
        return 2;
      }
      std::printf("  written to %s\n", o->out.c_str());
    }
    return 0;
  };
}

}  // namespace pw::cli
