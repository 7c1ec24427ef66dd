// Writes small feed-forward networks as ONNX models, with the ONNX library's
// own protobuf classes (Debian's libonnx-dev): how Pitwall's trained starter
// models, and the tests' model corpus, become .onnx files.
#pragma once

#include <string>
#include <vector>

#include "pitwall/model_metadata.h"

namespace pw::models {

enum class Activation { kNone, kRelu, kTanh };

/// y = activation(W x + b), W row-major [outputs x inputs].
struct DenseLayer {
  int inputs = 0;
  int outputs = 0;
  std::vector<float> weights;
  std::vector<float> bias;
  Activation activation = Activation::kNone;
};

/// An MLP over the model's declared inputs (concatenated in declared order),
/// with one output named "action", and `metadata` in metadata_props.
std::string WriteMlpModel(const std::vector<DenseLayer>& layers, const ModelMetadata& metadata,
                          const std::string& producer = "pitwall");

}  // namespace pw::models
