#include "model_gate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "model_corpus.h"

namespace pw::models {
namespace {

using pw::testing::Edited;
using pw::testing::ValidModel;

// The gate's verdict must contain `reason` among its problems.
void ExpectRefused(const std::string& bytes, const std::string& reason, const std::optional<std::string>& md = std::nullopt) {
  const ModelReport r = InspectModel(bytes, md);
  ASSERT_FALSE(r.accepted()) << "expected a refusal containing: " << reason;
  std::string all;
  for (const auto& p : r.problems) all += "\n  " + p;
  bool found = false;
  for (const auto& p : r.problems) found = found || p.find(reason) != std::string::npos;
  EXPECT_TRUE(found) << "wanted: " << reason << "\ngot:" << all;
}

TEST(ModelGate, AcceptsAValidModelAndDescribesIt) {
  const ModelReport r = InspectModel(ValidModel());
  ASSERT_TRUE(r.accepted()) << r.problems[0];
  EXPECT_EQ(r.opset, 13);
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.inputs[0].name, "state");
  EXPECT_EQ(r.inputs[0].shape, (std::vector<int64_t>{1, 8}));
  EXPECT_EQ(r.outputs[0].shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(r.operator_counts.at("Gemm"), 2);
  EXPECT_EQ(r.operator_counts.at("Relu"), 1);
  EXPECT_EQ(r.parameters, 8 * 16 + 16 + 16 * 2 + 2);
  ASSERT_TRUE(r.metadata.has_value());
  EXPECT_EQ(r.metadata_source, "metadata_props");
}

TEST(ModelGate, ZeroBytes) { ExpectRefused("", "the file is empty: not an ONNX model"); }

TEST(ModelGate, NotOnnxOrTruncated) {
  const std::string good = ValidModel();
  ExpectRefused(good.substr(0, good.size() / 2), "not an ONNX model, or truncated");
  ExpectRefused("<html>this is a web page, not a model</html>", "not an ONNX model");
}

TEST(ModelGate, OverEightMebibytes) {
  ExpectRefused(std::string(9u * 1024u * 1024u, '\0'), "the model is 9.0 MiB; the limit is 8 MiB");
}

TEST(ModelGate, ExternalDataPointingOutside) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    onnx::TensorProto* w = m.mutable_graph()->mutable_initializer(0);
    w->clear_raw_data();
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = w->add_external_data();
    kv->set_key("location");
    kv->set_value("../../etc/passwd");
  });
  ExpectRefused(bad, "external data is not allowed: tensor 'W0' refers to '../../etc/passwd'");
}

TEST(ModelGate, CustomOperatorDomain) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    auto* imp = m.add_opset_import();
    imp->set_domain("com.evil");
    imp->set_version(1);
    m.mutable_graph()->mutable_node(1)->set_domain("com.evil");
  });
  ExpectRefused(bad, "custom operator domain 'com.evil' is not allowed");
  ExpectRefused(bad, "uses operator 'Relu' from the custom domain 'com.evil'");
}

TEST(ModelGate, HugeDeclaredTensor) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    onnx::TensorProto* w = m.mutable_graph()->mutable_initializer(0);
    w->clear_dims();
    w->add_dims(100000);
    w->add_dims(100000);
  });
  ExpectRefused(bad, "tensor 'W0' declares 10000000000 elements; at most 4000000");
}

TEST(ModelGate, WrongInputShape) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_value(9);
  });
  ExpectRefused(bad, "input 'state' has shape [1, 9]; STATE needs [1, 8]");
}

TEST(ModelGate, WrongOutputShape) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_value(3);
  });
  ExpectRefused(bad, "output 'action' has shape [1, 3]; a continuous action space needs 2 outputs (steering, speed)");
}

TEST(ModelGate, DiscreteOutputMustMatchTheActionCount) {
  const auto md = pw::testing::DiscreteRaysMetadata(5);
  auto six = md;
  six.action_space.discrete.push_back({0.0, 3.0});
  const std::string bad = Edited([&](onnx::ModelProto& m) {
    m.mutable_metadata_props(0)->set_value(WriteModelMetadata(six));
  }, ValidModel(md));
  ExpectRefused(bad, "output 'action' has shape [1, 5]; the discrete action space has 6 actions");
}

TEST(ModelGate, UnsupportedOperator) {
  const std::string bad = Edited([](onnx::ModelProto& m) { m.mutable_graph()->mutable_node(1)->set_op_type("Loop"); });
  ExpectRefused(bad, "operator 'Loop' is not allowed");
  const std::string scan = Edited([](onnx::ModelProto& m) { m.mutable_graph()->mutable_node(1)->set_op_type("Scan"); });
  ExpectRefused(scan, "operator 'Scan' is not allowed");
}

TEST(ModelGate, NanWeights) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    std::string raw = m.graph().initializer(0).raw_data();
    const float nan = NAN;
    std::memcpy(raw.data() + 8, &nan, 4);
    m.mutable_graph()->mutable_initializer(0)->set_raw_data(raw);
  });
  ExpectRefused(bad, "tensor 'W0' contains NaN or infinite values");
}

TEST(ModelGate, OpsetOutsideTheSupportedRange) {
  ExpectRefused(Edited([](onnx::ModelProto& m) { m.mutable_opset_import(0)->set_version(5); }),
                "opset 5 is outside the supported range 7..17");
  ExpectRefused(Edited([](onnx::ModelProto& m) { m.mutable_opset_import(0)->set_version(21); }),
                "opset 21 is outside the supported range 7..17");
}

TEST(ModelGate, TheOnnxCheckerRuns) {
  // A node that reads a tensor nobody produces: only the checker notices.
  const std::string bad = Edited([](onnx::ModelProto& m) { m.mutable_graph()->mutable_node(1)->set_input(0, "ghost"); });
  ExpectRefused(bad, "the ONNX checker rejects the model:");
}

TEST(ModelGate, MissingOrInvalidMetadata) {
  const std::string none = Edited([](onnx::ModelProto& m) { m.clear_metadata_props(); });
  ExpectRefused(none, "model_metadata is missing");
  ExpectRefused(Edited([](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value("{not json"); }),
                "model_metadata is not valid JSON");
  // The DeepRacer layout: model_metadata.json beside the model fills the gap.
  const ModelReport r = InspectModel(none, WriteModelMetadata(pw::testing::ContinuousStateMetadata()));
  EXPECT_TRUE(r.accepted());
  EXPECT_EQ(r.metadata_source, "model_metadata.json");
}

TEST(ModelGate, ActionSpaceLimits) {
  auto md = pw::testing::ContinuousStateMetadata();
  md.action_space.steering_high_deg = 40;
  ExpectRefused(Edited([&](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value(WriteModelMetadata(md)); }),
                "action_space.steering_angle.high: 40 is outside -30..30 degrees");
  md = pw::testing::ContinuousStateMetadata();
  md.action_space.speed_high_mps = 4.5;
  ExpectRefused(Edited([&](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value(WriteModelMetadata(md)); }),
                "action_space.speed.high: 4.5 is outside 0.1..4 m/s");
  auto many = pw::testing::DiscreteRaysMetadata(32);
  many.action_space.discrete.push_back({0.0, 1.0});
  ExpectRefused(Edited([&](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value(WriteModelMetadata(many)); },
                       ValidModel(pw::testing::DiscreteRaysMetadata(32))),
                "action_space: 33 actions; at most 32");
}

TEST(ModelGate, InputsMustMatchTheDeclaredSensors) {
  auto md = pw::testing::ContinuousStateMetadata();
  md.sensors = {SensorKind::kTrackRays};
  ExpectRefused(Edited([&](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value(WriteModelMetadata(md)); }),
                "the model has no input 'track_rays' for the declared sensor TRACK_RAYS (float32 [1, 11])");
  ExpectRefused(Edited([&](onnx::ModelProto& m) { m.mutable_metadata_props(0)->set_value(WriteModelMetadata(md)); }),
                "input 'state' matches no declared sensor");
}


// ---- bombs: small files that would ask ONNX Runtime for gigabytes or hours ----

TEST(ModelGate, SparseInitializerBomb) { ExpectRefused(pw::testing::SparseInitializerBomb(), "sparse tensors are not allowed"); }

TEST(ModelGate, SparseConstantBomb) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    onnx::NodeProto* n = pw::testing::AddNode(m.mutable_graph(), "Constant", {}, "dense");
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name("sparse_value");
    a->set_type(onnx::AttributeProto::SPARSE_TENSOR);
    a->mutable_sparse_tensor()->add_dims(1 << 20);
    a->mutable_sparse_tensor()->add_dims(1 << 20);
    a->mutable_sparse_tensor()->mutable_values()->set_data_type(onnx::TensorProto::FLOAT);
    a->mutable_sparse_tensor()->mutable_values()->add_dims(0);
    a->mutable_sparse_tensor()->mutable_indices()->set_data_type(onnx::TensorProto::INT64);
    a->mutable_sparse_tensor()->mutable_indices()->add_dims(0);
  });
  ExpectRefused(bad, "sparse tensors are not allowed");
}

TEST(ModelGate, ShapeBombOfAllowedOperators) {
  // Pad, an allowed operator, asked for a 100-million-wide tensor on every step.
  ExpectRefused(pw::testing::PadBomb(), "tensor 'padded' (from Pad node 'Pad_padded') would hold 100000008 elements; at most 4000000");
}

TEST(ModelGate, TooManyOperators) {
  const std::string bad = Edited([](onnx::ModelProto& m) {
    std::string last = "state";
    for (int i = 0; i < 600; ++i) {
      const std::string out = "chain" + std::to_string(i);
      pw::testing::AddNode(m.mutable_graph(), "Identity", {last}, out);
      last = out;
    }
  });
  ExpectRefused(bad, "the model has 603 operators; at most 512");
}

TEST(ModelGate, TooMuchWorkPerStep) { ExpectRefused(pw::testing::WorkBomb(), "multiply-adds per step; at most 50000000"); }

TEST(ModelGate, CountsTheWorkOfAcceptedModels) {
  const ModelReport r = InspectModel(ValidModel());
  ASSERT_TRUE(r.accepted()) << r.problems[0];
  EXPECT_GE(r.multiply_adds, 8 * 16 + 16 * 2);  // the two Gemms, plus one op per element elsewhere
  EXPECT_LT(r.multiply_adds, 1000);
}

}  // namespace
}  // namespace pw::models
