#include "model_gate.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>

namespace pw::models {
namespace {

std::string Mib(size_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
  return out.str();
}

std::string TypeName(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT: return "float32";
    case onnx::TensorProto::DOUBLE: return "float64";
    case onnx::TensorProto::FLOAT16: return "float16";
    case onnx::TensorProto::INT64: return "int64";
    case onnx::TensorProto::INT32: return "int32";
    case onnx::TensorProto::UINT8: return "uint8";
    case onnx::TensorProto::INT8: return "int8";
    case onnx::TensorProto::BOOL: return "bool";
    case onnx::TensorProto::STRING: return "string";
    default: return "type " + std::to_string(elem_type);
  }
}

TensorInfo Describe(const onnx::ValueInfoProto& v) {
  TensorInfo t;
  t.name = v.name();
  if (v.type().has_tensor_type()) {
    const auto& tt = v.type().tensor_type();
    t.type = TypeName(tt.elem_type());
    for (const auto& d : tt.shape().dim()) t.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  } else {
    t.type = "not a tensor";
  }
  return t;
}

// A tensor's element count, or -1 when a dimension is negative or the product overflows.
int64_t Elements(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) return -1;
    if (d != 0 && n > INT64_MAX / d) return -1;
    n *= d;
  }
  return n;
}

bool HasNonFinite(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return false;
  for (float v : t.float_data())
    if (!std::isfinite(v)) return true;
  const std::string& raw = t.raw_data();
  for (size_t i = 0; i + 4 <= raw.size(); i += 4) {
    float v;
    std::memcpy(&v, raw.data() + i, 4);
    if (!std::isfinite(v)) return true;
  }
  return false;
}

bool IsDefaultDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

// Every tensor stored in the model: initializers and Constant nodes' values.
template <typename Fn>
void ForEachStoredTensor(const onnx::GraphProto& g, Fn&& fn) {
  for (const auto& t : g.initializer()) fn(t);
  for (const auto& n : g.node())
    for (const auto& a : n.attribute()) {
      if (a.has_t()) fn(a.t());
      for (const auto& t : a.tensors()) fn(t);
      if (a.has_g()) ForEachStoredTensor(a.g(), fn);
      for (const auto& sg : a.graphs()) ForEachStoredTensor(sg, fn);
    }
}

// Sparse tensors anywhere: initializers, attributes, subgraphs. ONNX Runtime
// densifies them while loading, so a few bytes can ask for gigabytes.
bool HasSparseTensor(const onnx::GraphProto& g) {
  if (g.sparse_initializer_size() > 0) return true;
  for (const auto& n : g.node())
    for (const auto& a : n.attribute()) {
      if (a.has_sparse_tensor() || a.sparse_tensors_size() > 0) return true;
      if (a.has_g() && HasSparseTensor(a.g())) return true;
      for (const auto& sg : a.graphs())
        if (HasSparseTensor(sg)) return true;
    }
  return false;
}

int CountNodes(const onnx::GraphProto& g) {
  int n = g.node_size();
  for (const auto& node : g.node())
    for (const auto& a : node.attribute()) {
      if (a.has_g()) n += CountNodes(a.g());
      for (const auto& sg : a.graphs()) n += CountNodes(sg);
    }
  return n;
}

// A shape's element count; -1 when a dimension is unknown, -2 past int64.
int64_t ShapeElements(const onnx::TensorShapeProto& shape) {
  int64_t n = 1;
  for (const auto& d : shape.dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return -1;
    const int64_t v = d.dim_value();
    if (v != 0 && n > INT64_MAX / v) return -2;
    n *= v;
  }
  return n;
}

// Runs ONNX shape inference with a batch of one and checks what every node
// computes: each tensor's shape must be known and within the element limit,
// and the step's multiply-adds within the budget.
void CheckComputedShapes(const onnx::ModelProto& given, ModelReport& r) {
  onnx::ModelProto m = given;
  auto* g = m.mutable_graph();
  for (auto& in : *g->mutable_input()) {
    if (!in.type().has_tensor_type()) continue;
    auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i)
      if (!shape->dim(i).has_dim_value()) shape->mutable_dim(i)->set_dim_value(1);  // the batch: one step
  }
  try {
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), onnx::ShapeInferenceOptions(true, 1, true));
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what = what.substr(0, nl);
    r.problems.push_back("shape inference fails: " + what);
    return;
  }
  std::map<std::string, const onnx::TensorShapeProto*> shapes;
  for (const auto* list : {&g->input(), &g->value_info(), &g->output()})
    for (const auto& v : *list)
      if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) shapes[v.name()] = &v.type().tensor_type().shape();
  std::map<std::string, std::vector<int64_t>> stored;  // initializers: weights have no value_info
  for (const auto& t : g->initializer()) stored[t.name()] = {t.dims().begin(), t.dims().end()};
  auto dims_of = [&](const std::string& name) -> std::vector<int64_t> {
    if (auto s = stored.find(name); s != stored.end()) return s->second;
    std::vector<int64_t> dims;
    auto it = shapes.find(name);
    if (it == shapes.end()) return dims;
    for (const auto& d : it->second->dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    return dims;
  };
  double work = 0.0;
  for (const auto& n : g->node()) {
    for (const auto& out : n.output()) {
      if (out.empty()) continue;
      auto it = shapes.find(out);
      const int64_t elements = it == shapes.end() ? -1 : ShapeElements(*it->second);
      const std::string node = n.op_type() + (n.name().empty() ? "" : " node '" + n.name() + "'");
      if (elements == -1) {
        r.problems.push_back("the shape of tensor '" + out + "' (from " + node + ") cannot be determined; every tensor's shape must be fixed");
        return;
      }
      if (elements < 0 || elements > kMaxTensorElements) {
        r.problems.push_back("tensor '" + out + "' (from " + node + ") would hold " +
                             (elements < 0 ? std::string("more than 2^63") : std::to_string(elements)) + " elements; at most " +
                             std::to_string(kMaxTensorElements));
        return;
      }
      // Multiply-adds per output element: the reduced dimension for products, the kernel for convolutions.
      double per = 1.0;
      if ((n.op_type() == "MatMul" || n.op_type() == "Gemm") && n.input_size() >= 1) {
        const auto a = dims_of(n.input(0));
        bool trans_a = false;
        for (const auto& attr : n.attribute())
          if (attr.name() == "transA") trans_a = attr.i() != 0;
        if (!a.empty()) per = static_cast<double>(std::max<int64_t>(1, n.op_type() == "Gemm" && trans_a ? a.front() : a.back()));
      } else if (n.op_type() == "Conv" && n.input_size() >= 2) {
        const auto w = dims_of(n.input(1));  // [M, C/group, kH, kW...]
        per = 1.0;
        for (size_t i = 1; i < w.size(); ++i) per *= static_cast<double>(std::max<int64_t>(1, w[i]));
      }
      work += per * static_cast<double>(elements);
    }
  }
  r.multiply_adds = work > 9e18 ? INT64_MAX : static_cast<int64_t>(work);
  if (work > static_cast<double>(kMaxStepMultiplyAdds)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3g", work);
    r.problems.push_back(std::string("the model needs about ") + text + " multiply-adds per step; at most " +
                         std::to_string(kMaxStepMultiplyAdds) + " (the time budget of a step)");
  }
}

void CheckContract(const ModelMetadata& md, ModelReport& r) {
  const auto expected = md.inputs();
  for (const ModelInput& in : expected) {
    auto it = std::find_if(r.inputs.begin(), r.inputs.end(), [&](const TensorInfo& t) { return t.name == in.name; });
    const std::string want = "[1, " + std::to_string(in.size) + "]";
    if (it == r.inputs.end()) {
      r.problems.push_back(std::string("the model has no input '") + in.name + "' for the declared sensor " +
                           ToString(in.sensor) + " (float32 " + want + ")");
      continue;
    }
    if (it->type != "float32") r.problems.push_back("input '" + in.name + "' is " + it->type + "; float32 expected");
    const bool shape_ok = it->shape.size() == 2 && (it->shape[0] == 1 || it->shape[0] == -1) && it->shape[1] == in.size;
    if (!shape_ok)
      r.problems.push_back("input '" + in.name + "' has shape " + FormatShape(it->shape) + "; " + ToString(in.sensor) +
                           " needs " + want);
  }
  for (const TensorInfo& t : r.inputs) {
    const bool declared = std::any_of(expected.begin(), expected.end(), [&](const ModelInput& in) { return in.name == t.name; });
    if (!declared)
      r.problems.push_back("input '" + t.name + "' matches no declared sensor (inputs are named track_rays and state)");
  }
  const int want_out = md.output_size();
  const std::string space = md.action_space.type == ActionSpaceType::kDiscrete
                                ? "the discrete action space has " + std::to_string(want_out) + " actions"
                                : "a continuous action space needs 2 outputs (steering, speed)";
  if (r.outputs.size() != 1) {
    r.problems.push_back("the model has " + std::to_string(r.outputs.size()) + " outputs; exactly one is expected");
  } else {
    const TensorInfo& out = r.outputs[0];
    if (out.type != "float32") r.problems.push_back("output '" + out.name + "' is " + out.type + "; float32 expected");
    const bool ok = out.shape.size() == 2 && (out.shape[0] == 1 || out.shape[0] == -1) && out.shape[1] == want_out;
    if (!ok) r.problems.push_back("output '" + out.name + "' has shape " + FormatShape(out.shape) + "; " + space);
  }
}

}  // namespace

std::string FormatShape(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return s + "]";
}

const std::vector<std::string>& AllowedOperators() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> v = {
      "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "Conv", "Div",
      "Dropout", "Elu", "Flatten", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "Identity",
      "LeakyRelu", "MatMul", "Max", "MaxPool", "Min", "Mul", "Neg", "Pad", "Relu", "Reshape", "Selu", "Sigmoid",
      "Slice", "Softmax", "Softplus", "Split", "Squeeze", "Sub", "Sum", "Tanh", "Transpose", "Unsqueeze"};
    std::sort(v.begin(), v.end());  // looked up by binary search
    return v;
  }();
  return ops;
}

ModelReport InspectModel(std::string_view bytes, const std::optional<std::string>& external_metadata) {
  ModelReport r;
  r.size_bytes = bytes.size();
  if (bytes.empty()) {
    r.problems.push_back("the file is empty: not an ONNX model");
    return r;
  }
  if (bytes.size() > kMaxModelBytes) {
    r.problems.push_back("the model is " + Mib(bytes.size()) + "; the limit is 8 MiB");
    return r;
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    r.problems.push_back("not an ONNX model, or truncated: the file does not parse as an ONNX protobuf");
    return r;
  }
  if (!model.has_graph() || model.ir_version() <= 0) {
    r.problems.push_back("not an ONNX model: it has no graph or no IR version");
    return r;
  }
  r.ir_version = model.ir_version();
  r.producer = model.producer_name();
  const onnx::GraphProto& g = model.graph();

  // Stored tensors: no external data, nothing huge, nothing non-finite.
  bool external = false;
  ForEachStoredTensor(g, [&](const onnx::TensorProto& t) {
    if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0) {
      std::string where;
      for (const auto& kv : t.external_data())
        if (kv.key() == "location") where = kv.value();
      r.problems.push_back("external data is not allowed: tensor '" + t.name() + "' refers to '" + where +
                           "'; store every weight inside the .onnx file");
      external = true;
      return;
    }
    const int64_t n = Elements(t);
    if (n < 0 || n > kMaxTensorElements) {
      r.problems.push_back("tensor '" + t.name() + "' declares " + (n < 0 ? std::string("an impossible number of") : std::to_string(n)) +
                           " elements; at most " + std::to_string(kMaxTensorElements));
      return;
    }
    r.parameters += n;
    if (HasNonFinite(t)) r.problems.push_back("tensor '" + t.name() + "' contains NaN or infinite values");
  });

  if (HasSparseTensor(g))
    r.problems.push_back("sparse tensors are not allowed (initializers or Constant values): store weights as dense tensors");
  if (r.parameters > kMaxParameters)
    r.problems.push_back("the model stores " + std::to_string(r.parameters) + " parameters; at most " + std::to_string(kMaxParameters));
  if (const int nodes = CountNodes(g); nodes > kMaxNodes)
    r.problems.push_back("the model has " + std::to_string(nodes) + " operators; at most " + std::to_string(kMaxNodes));

  // Operator sets and operators.
  for (const auto& imp : model.opset_import()) {
    if (IsDefaultDomain(imp.domain())) r.opset = imp.version();
    else r.problems.push_back("custom operator domain '" + imp.domain() + "' is not allowed");
  }
  if (r.opset == 0) r.problems.push_back("the model imports no standard ONNX operator set");
  else if (r.opset < kMinOpset || r.opset > kMaxOpset)
    r.problems.push_back("opset " + std::to_string(r.opset) + " is outside the supported range " + std::to_string(kMinOpset) +
                         ".." + std::to_string(kMaxOpset));
  if (model.functions_size() > 0) r.problems.push_back("model-local functions are not allowed");
  const auto& allowed = AllowedOperators();
  std::set<std::string> refused;
  for (const auto& n : g.node()) {
    ++r.operator_counts[n.op_type()];
    if (!IsDefaultDomain(n.domain())) {
      r.problems.push_back("node '" + n.name() + "' uses operator '" + n.op_type() + "' from the custom domain '" + n.domain() + "'");
      continue;
    }
    if (!std::binary_search(allowed.begin(), allowed.end(), n.op_type()) && refused.insert(n.op_type()).second)
      r.problems.push_back("operator '" + n.op_type() + "' is not allowed (only feed-forward operators such as Gemm, MatMul, Conv, Relu, Tanh)");
  }

  // Inputs are the graph inputs that are not initializers.
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  for (const auto& v : g.input())
    if (!initializers.count(v.name())) r.inputs.push_back(Describe(v));
  for (const auto& v : g.output()) r.outputs.push_back(Describe(v));
  for (const TensorInfo& t : r.inputs)
    for (int64_t d : t.shape)
      if (d > kMaxTensorElements) r.problems.push_back("input '" + t.name + "' declares a dimension of " + std::to_string(d));

  // ONNX's own checker (after our external-data check: it must never follow a path).
  if (!external) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception& e) {
      std::string what = e.what();
      if (auto nl = what.find('\n'); nl != std::string::npos) what = what.substr(0, nl);
      r.problems.push_back("the ONNX checker rejects the model: " + what);
    }
  }

  // What the graph computes, once everything above holds (shape inference
  // must only ever see a model the checker and the allowlist accepted).
  if (r.problems.empty()) CheckComputedShapes(model, r);

  // The contract: model_metadata, then inputs and outputs against it.
  std::optional<std::string> metadata_json;
  for (const auto& kv : model.metadata_props())
    if (kv.key() == "model_metadata") metadata_json = kv.value(), r.metadata_source = "metadata_props";
  if (!metadata_json && external_metadata) metadata_json = external_metadata, r.metadata_source = "model_metadata.json";
  if (!metadata_json) {
    r.problems.push_back("model_metadata is missing: put DeepRacer's model_metadata.json in the model's metadata_props under the key 'model_metadata'");
    return r;
  }
  Result<ModelMetadata> md = ParseModelMetadata(*metadata_json);
  if (!md) {
    r.problems.push_back(md.error().message);
    return r;
  }
  r.metadata = md.value();
  CheckContract(md.value(), r);
  return r;
}

}  // namespace pw::models
