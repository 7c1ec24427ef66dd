// The upload gate: every model passes it before it is stored or run. It
// parses the file with the ONNX library, runs ONNX's checker, and refuses
// what Pitwall will not run, each with its own specific reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pitwall/model_metadata.h"

namespace pw::models {

inline constexpr size_t kMaxModelBytes = 8u * 1024u * 1024u;
inline constexpr int64_t kMinOpset = 7;
inline constexpr int64_t kMaxOpset = 17;  // what Debian's ONNX 1.12 checks
inline constexpr int64_t kMaxTensorElements = 4'000'000;   ///< any one tensor, stored or computed
inline constexpr int64_t kMaxParameters = 4'000'000;       ///< all stored tensors together
inline constexpr int kMaxNodes = 512;                      ///< operators in the graph
/// Multiply-adds one inference step may need (a DeepRacer-sized CNN on a
/// 160x120 camera needs about 22 million).
inline constexpr int64_t kMaxStepMultiplyAdds = 50'000'000;

struct TensorInfo {
  std::string name;
  std::string type;               ///< "float32", ...
  std::vector<int64_t> shape;     ///< -1 for a symbolic or unknown dimension
};

/// Everything `pitwall model inspect` prints, and the verdict.
struct ModelReport {
  size_t size_bytes = 0;
  int64_t ir_version = 0;
  int64_t opset = 0;
  std::string producer;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::map<std::string, int> operator_counts;
  int64_t parameters = 0;
  int64_t multiply_adds = 0;      ///< per inference step, from the inferred shapes (0 when not known)
  std::optional<ModelMetadata> metadata;
  std::string metadata_source;    ///< "metadata_props" or "model_metadata.json"
  std::vector<std::string> problems;
  bool accepted() const { return problems.empty(); }
};

/// Inspects a model file's bytes. `external_metadata` is the DeepRacer layout's
/// model_metadata.json, used when the model's own metadata_props has none.
ModelReport InspectModel(std::string_view bytes, const std::optional<std::string>& external_metadata = std::nullopt);

/// The operators the gate allows: what small MLPs and CNNs need, no control flow.
const std::vector<std::string>& AllowedOperators();

std::string FormatShape(const std::vector<int64_t>& shape);

}  // namespace pw::models
