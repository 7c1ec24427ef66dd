// libFuzzer: the model upload gate. Any bytes end in a verdict with reasons.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model_gate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto report = pw::models::InspectModel(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!report.accepted() && report.problems.empty()) std::abort();  // a refusal always says why
  return 0;
}
