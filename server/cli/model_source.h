// Reads a model file (and DeepRacer's model_metadata.json beside it, when the
// model carries no metadata of its own) and puts it through the upload gate.
#pragma once

#include <string>

#include "model_gate.h"
#include "pitwall/result.h"

namespace pw::cli {

struct LoadedModel {
  std::string bytes;
  models::ModelReport report;
};

/// `metadata_file` may be empty: then model_metadata.json beside the model is used if present.
Result<LoadedModel> ReadModelFiles(const std::string& model_file, const std::string& metadata_file);

}  // namespace pw::cli
