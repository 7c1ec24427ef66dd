// Builds the tests' models: a small valid one, and the bad ones the gate must
// refuse, made by editing the valid one with the ONNX library's protobuf classes.
#pragma once

#include <onnx/onnx_pb.h>

#include <functional>
#include <random>
#include <string>

#include "onnx_writer.h"
#include "pitwall/model_metadata.h"

namespace pw::testing {

inline ModelMetadata ContinuousStateMetadata() {
  ModelMetadata m;
  m.action_space.type = ActionSpaceType::kContinuous;
  m.action_space.speed_low_mps = 0.5;
  m.sensors = {SensorKind::kState};
  return m;
}

inline ModelMetadata DiscreteRaysMetadata(int actions = 5) {
  ModelMetadata m;
  m.action_space.type = ActionSpaceType::kDiscrete;
  for (int i = 0; i < actions; ++i) m.action_space.discrete.push_back({-30.0 + 60.0 * i / (actions - 1), 1.0 + 0.25 * i});
  m.sensors = {SensorKind::kTrackRays};
  return m;
}

inline std::vector<models::DenseLayer> RandomLayers(int in, int hidden, int out, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 0.4f);
  auto layer = [&](int i, int o, models::Activation a) {
    models::DenseLayer l;
    l.inputs = i;
    l.outputs = o;
    for (int k = 0; k < i * o; ++k) l.weights.push_back(d(rng));
    for (int k = 0; k < o; ++k) l.bias.push_back(d(rng));
    l.activation = a;
    return l;
  };
  return {layer(in, hidden, models::Activation::kRelu), layer(hidden, out, models::Activation::kNone)};
}

inline std::string ValidModel(const ModelMetadata& m = ContinuousStateMetadata()) {
  const int in = m.inputs()[0].size;
  return models::WriteMlpModel(RandomLayers(in, 16, m.output_size()), m);
}

/// The valid model, changed by `edit`.
inline std::string Edited(const std::function<void(onnx::ModelProto&)>& edit, const std::string& base = ValidModel()) {
  onnx::ModelProto model;
  model.ParseFromString(base);
  edit(model);
  return model.SerializeAsString();
}

}  // namespace pw::testing
