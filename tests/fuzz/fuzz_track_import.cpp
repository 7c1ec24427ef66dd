// libFuzzer: the track importers (.npy, .csv, Pitwall .json). The first byte
// picks the format; any input ends in a track or an error, never a crash.
#include <cstdint>
#include <string>

#include "pitwall/track_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* names[] = {"t.npy", "t.csv", "t.json"};
  const std::string name = names[data[0] % 3];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto track = pw::ImportTrack(bytes, name);
  if (track) (void)track.value().stats();
  return 0;
}
