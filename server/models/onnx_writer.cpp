#include "onnx_writer.h"

#include <onnx/onnx_pb.h>

namespace pw::models {
namespace {

void AddFloatTensor(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
}

void SetTensorType(onnx::ValueInfoProto* v, const std::string& name, std::initializer_list<int64_t> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

std::string WriteMlpModel(const std::vector<DenseLayer>& layers, const ModelMetadata& metadata, const std::string& producer) {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.set_producer_name(producer);
  model.set_producer_version("1");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto* meta = model.add_metadata_props();
  meta->set_key("model_metadata");
  meta->set_value(WriteModelMetadata(metadata));

  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("pitwall_mlp");
  int width = 0;
  std::vector<std::string> input_names;
  for (const ModelInput& in : metadata.inputs()) {
    SetTensorType(g->add_input(), in.name, {1, in.size});
    input_names.push_back(in.name);
    width += in.size;
  }
  std::string x = input_names.empty() ? "" : input_names[0];
  if (input_names.size() > 1) {
    onnx::NodeProto* concat = g->add_node();
    concat->set_op_type("Concat");
    concat->set_name("concat_inputs");
    for (const auto& n : input_names) concat->add_input(n);
    concat->add_output("features");
    auto* axis = concat->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(1);
    x = "features";
  }
  (void)width;
  for (size_t i = 0; i < layers.size(); ++i) {
    const DenseLayer& l = layers[i];
    const std::string id = std::to_string(i);
    AddFloatTensor(g, "W" + id, {l.outputs, l.inputs}, l.weights);
    AddFloatTensor(g, "b" + id, {l.outputs}, l.bias);
    const bool last = i + 1 == layers.size();
    const std::string gemm_out = (l.activation == Activation::kNone && last) ? "action" : "z" + id;
    onnx::NodeProto* gemm = g->add_node();
    gemm->set_op_type("Gemm");
    gemm->set_name("dense" + id);
    gemm->add_input(x);
    gemm->add_input("W" + id);
    gemm->add_input("b" + id);
    gemm->add_output(gemm_out);
    auto* trans_b = gemm->add_attribute();
    trans_b->set_name("transB");
    trans_b->set_type(onnx::AttributeProto::INT);
    trans_b->set_i(1);
    x = gemm_out;
    if (l.activation != Activation::kNone) {
      onnx::NodeProto* act = g->add_node();
      act->set_op_type(l.activation == Activation::kRelu ? "Relu" : "Tanh");
      act->set_name("act" + id);
      act->add_input(x);
      x = last ? "action" : "h" + id;
      act->add_output(x);
    }
  }
  SetTensorType(g->add_output(), "action", {1, layers.empty() ? 0 : layers.back().outputs});
  return model.SerializeAsString();
}

}  // namespace pw::models
