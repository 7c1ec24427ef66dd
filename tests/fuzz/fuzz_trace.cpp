// libFuzzer: the replay trace decoder. A trace that decodes re-encodes to a
// trace that decodes to the same steps.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pitwall/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = pw::DecodeTrace(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!decoded) return 0;
  const std::string again = pw::EncodeTrace(decoded.value().steps, pw::ActionSpace{});  // as continuous values
  auto twice = pw::DecodeTrace(again);
  if (!twice || twice.value().steps.size() != decoded.value().steps.size()) std::abort();
  return 0;
}
