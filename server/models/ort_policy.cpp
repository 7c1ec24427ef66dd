#include "ort_policy.h"

#include <onnxruntime_cxx_api.h>

#include <chrono>

namespace pw::models {
namespace {

// One ONNX Runtime environment per process, as ORT asks.
Ort::Env& Environment() {
  static Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "pitwall");
  return env;
}

}  // namespace

struct OrtModel::Impl {
  Ort::Session session{nullptr};
  Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::vector<std::string> input_names;
  std::vector<SensorKind> input_sensors;
  std::vector<const char*> input_name_ptrs;
  std::string output_name;
};

OrtModel::~OrtModel() = default;

Result<std::shared_ptr<OrtModel>> OrtModel::Load(std::string_view bytes, const ModelMetadata& metadata) {
  std::shared_ptr<OrtModel> m(new OrtModel());
  m->metadata_ = metadata;
  m->impl_ = std::make_unique<Impl>();
  try {
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(1);
    options.SetInterOpNumThreads(1);
    options.SetExecutionMode(ORT_SEQUENTIAL);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    m->impl_->session = Ort::Session(Environment(), bytes.data(), bytes.size(), options);
    Ort::AllocatorWithDefaultOptions alloc;
    m->impl_->output_name = m->impl_->session.GetOutputNameAllocated(0, alloc).get();
  } catch (const Ort::Exception& e) {
    return Error{std::string("ONNX Runtime cannot load the model: ") + e.what()};
  }
  for (const ModelInput& in : metadata.inputs()) {
    m->impl_->input_names.push_back(in.name);
    m->impl_->input_sensors.push_back(in.sensor);
  }
  for (const auto& n : m->impl_->input_names) m->impl_->input_name_ptrs.push_back(n.c_str());
  return m;
}

std::string OrtModel::Run(const Observation& obs, std::vector<float>& out) {
  try {
    std::vector<Ort::Value> inputs;
    for (SensorKind s : impl_->input_sensors) {
      size_t count = 0;
      const float* values = InputValues(obs, s, count);
      const int64_t shape[2] = {1, static_cast<int64_t>(count)};
      inputs.push_back(Ort::Value::CreateTensor<float>(impl_->memory, const_cast<float*>(values), count, shape, 2));
    }
    const char* output = impl_->output_name.c_str();
    auto result = impl_->session.Run(Ort::RunOptions{nullptr}, impl_->input_name_ptrs.data(), inputs.data(), inputs.size(),
                                     &output, 1);
    const auto info = result[0].GetTensorTypeAndShapeInfo();
    if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) return "the model's output is not float32";
    const size_t n = info.GetElementCount();
    const float* data = result[0].GetTensorData<float>();
    out.assign(data, data + n);
    return {};
  } catch (const Ort::Exception& e) {
    return std::string("ONNX Runtime failed: ") + e.what();
  }
}

Decision OrtPolicy::Decide(const Observation& obs) {
  const auto start = std::chrono::steady_clock::now();
  const std::string error = model_->Run(obs, out_);
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  total_us_ += us;
  ++runs_;
  if (!error.empty()) return Decision{{}, -1, error};
  if (us > static_cast<double>(budget_us_))
    return Decision{{}, -1, "inference took " + std::to_string(static_cast<int64_t>(us / 1000)) + " ms; the budget is " +
                                std::to_string(budget_us_ / 1000) + " ms per step"};
  return DecodeModelOutput(model_->metadata().action_space, out_.data(), out_.size());
}

}  // namespace pw::models
