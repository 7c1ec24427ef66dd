// libFuzzer: JSON request bodies as the race routes read them: the depth
// scan, the parser, the field readers and the race settings (with an
// organiser's base64 track file through the importers).
#include <cstdint>
#include <string>

#include "http_util.h"
#include "race_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  httplib::Request req;
  req.body.assign(reinterpret_cast<const char*>(data), size);
  req.set_header("Content-Type", "application/json");
  httplib::Response res;
  auto body = pw::server::JsonBody(req, res);
  if (!body) return 0;
  pw::server::FieldReader f{*body, {}};
  (void)pw::server::ReadRaceSettings(f, /*community=*/size % 2 == 0);
  return 0;
}
