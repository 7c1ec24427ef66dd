// Builds the tests' models: a small valid one, and the bad ones the gate must
// refuse, made by editing the valid one with the ONNX library's protobuf classes.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

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

// ---- bombs: small files that would ask ONNX Runtime for gigabytes or hours ----

inline onnx::TensorProto* AddInt64Initializer(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& values) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
  return t;
}

inline onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& in, const std::string& out) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out);
  for (const auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

/// A sparse initializer of 65536 x 65536 floats, in a few bytes.
inline std::string SparseInitializerBomb() {
  return Edited([](onnx::ModelProto& m) {
    onnx::SparseTensorProto* s = m.mutable_graph()->add_sparse_initializer();
    s->add_dims(65536);
    s->add_dims(65536);
    s->mutable_values()->set_name("sparse");
    s->mutable_values()->set_data_type(onnx::TensorProto::FLOAT);
    s->mutable_values()->add_dims(1);
    s->mutable_values()->add_float_data(1.0f);
    s->mutable_indices()->set_data_type(onnx::TensorProto::INT64);
    s->mutable_indices()->add_dims(1);
    s->mutable_indices()->add_int64_data(0);
  });
}

/// Pad, an allowed operator, asked for a 100-million-wide tensor on every step.
inline std::string PadBomb() {
  return Edited([](onnx::ModelProto& m) {
    auto* g = m.mutable_graph();
    AddInt64Initializer(g, "huge_pads", {0, 0, 0, 100'000'000});
    AddNode(g, "Pad", {"state", "huge_pads"}, "padded");
  });
}

/// A small convolution kernel swept over a padded plane: 4 thousand weights,
/// 3.5 billion multiply-adds a step.
inline std::string WorkBomb() {
  return Edited([](onnx::ModelProto& m) {
    auto* g = m.mutable_graph();
    AddInt64Initializer(g, "plane_shape", {1, 1, 1, 8});
    AddNode(g, "Reshape", {"state", "plane_shape"}, "plane");
    AddInt64Initializer(g, "plane_pads", {0, 0, 496, 496, 0, 0, 496, 496});
    AddNode(g, "Pad", {"plane", "plane_pads"}, "big_plane");
    onnx::TensorProto* w = g->add_initializer();
    w->set_name("kernel");
    w->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : {1, 1, 63, 63}) w->add_dims(d);
    for (int i = 0; i < 63 * 63; ++i) w->add_float_data(0.001f);
    AddNode(g, "Conv", {"big_plane", "kernel"}, "swept");
  });
}

// ---- allowed by the gate, hostile at run time ----

/// A float initializer of `dims`, every value `value`, stored as raw bytes.
inline void AddFloatInitializer(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float value) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t count = 1;
  for (int64_t d : dims) t->add_dims(d), count *= d;
  std::string raw(static_cast<size_t>(count) * sizeof(float), '\0');
  for (int64_t i = 0; i < count; ++i) std::memcpy(raw.data() + i * sizeof(float), &value, sizeof value);
  t->set_raw_data(raw);
}

/// The valid model with a side branch: `branch` adds nodes from "state" and
/// returns a [1, 2] tensor that is added to the model's action.
inline std::string WithSideBranch(const std::function<std::string(onnx::GraphProto*)>& branch) {
  return Edited([&](onnx::ModelProto& m) {
    auto* g = m.mutable_graph();
    for (auto& n : *g->mutable_node())
      for (auto& out : *n.mutable_output())
        if (out == "action") out = "quick_action";
    AddNode(g, "Add", {"quick_action", branch(g)}, "action");
  });
}

/// Within every gate limit (1M stored weights, 48M multiply-adds a step) but
/// slow at every step: the valid model, plus `repeats` MatMuls by one shared
/// width x width matrix whose result (times zero) is added to its action.
inline std::string SlowModel(int width = 1024, int repeats = 46) {
  return WithSideBranch([&](onnx::GraphProto* g) {
    const int64_t in = ContinuousStateMetadata().inputs()[0].size;
    AddFloatInitializer(g, "spread", {in, width}, 0.01f);
    AddFloatInitializer(g, "mix", {width, width}, 1.0f / static_cast<float>(width));
    AddFloatInitializer(g, "nothing", {width, 2}, 0.0f);
    AddNode(g, "MatMul", {"state", "spread"}, "x0");
    for (int i = 0; i < repeats; ++i) AddNode(g, "MatMul", {"x" + std::to_string(i), "mix"}, "x" + std::to_string(i + 1));
    AddNode(g, "MatMul", {"x" + std::to_string(repeats), "nothing"}, "slow_zero");
    return std::string("slow_zero");
  });
}

/// Within every gate limit (11 Pads of 4M elements and a Sum: 48M elements
/// of work a step) but holding about 190 MB of tensors at once on its step:
/// the valid model, whose action has a slice of that Sum (times zero) added.
inline std::string MemoryHungryModel() {
  return WithSideBranch([&](onnx::GraphProto* g) {
    const int64_t in = ContinuousStateMetadata().inputs()[0].size;
    AddInt64Initializer(g, "wide_pads", {0, 0, 0, 4'000'000 - in});
    std::vector<std::string> wide;
    for (int i = 0; i < 11; ++i) {
      const std::string value = "fill" + std::to_string(i);
      AddFloatInitializer(g, value, {}, static_cast<float>(i));  // a different fill each: nothing to merge
      AddNode(g, "Pad", {"state", "wide_pads", value}, "wide" + std::to_string(i));
      wide.push_back("wide" + std::to_string(i));
    }
    AddNode(g, "Sum", wide, "all_wide");
    AddInt64Initializer(g, "slice_start", {0});
    AddInt64Initializer(g, "slice_end", {2});
    AddInt64Initializer(g, "slice_axis", {1});
    AddNode(g, "Slice", {"all_wide", "slice_start", "slice_end", "slice_axis"}, "two");
    AddFloatInitializer(g, "zero", {1}, 0.0f);
    AddNode(g, "Mul", {"two", "zero"}, "nothing");
    return std::string("nothing");
  });
}

}  // namespace pw::testing
