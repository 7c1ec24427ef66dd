#include "ort_policy.h"

#include <onnxruntime_cxx_api.h>

#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "onnx_writer.h"

namespace pw::models {
namespace {

using Clock = std::chrono::steady_clock;

// One ONNX Runtime environment per process, as ORT asks. Recent ONNX Runtime
// builds (the npm packages among them) carry Microsoft's telemetry on Linux:
// it would keep a device id and an offline cache under ~/.cache, leave a
// /tmp/mat-debug-<pid>.log per process, run an uploader thread, and hold those
// files open in a sandboxed worker. A self-hosted league sends nothing: the
// documented opt-out must be set before the environment is created.
Ort::Env& Environment() {
  static Ort::Env* env = [] {
    setenv("ORT_DISABLE_TELEMETRY", "1", 1);
    auto* e = new Ort::Env(ORT_LOGGING_LEVEL_ERROR, "pitwall");
    e->DisableTelemetryEvents();
    return e;
  }();
  return *env;
}

// One thread per process sets the terminate flag of every inference that
// passes its deadline. Inferences arm it before Run and disarm it after.
class Watchdog {
 public:
  static Watchdog& Get() {
    static Watchdog* w = new Watchdog();  // never destroyed: its thread lives as long as the process
    return *w;
  }
  uint64_t Arm(Clock::time_point deadline, Ort::RunOptions* options) {
    std::lock_guard lock(mu_);
    const uint64_t id = ++next_;
    armed_[id] = {deadline, options, false};
    cv_.notify_one();
    return id;
  }
  /// True when the watchdog fired for this inference.
  bool Disarm(uint64_t id) {
    std::lock_guard lock(mu_);
    auto it = armed_.find(id);
    const bool fired = it != armed_.end() && it->second.fired;
    if (it != armed_.end()) armed_.erase(it);
    return fired;
  }

 private:
  struct Entry {
    Clock::time_point deadline;
    Ort::RunOptions* options;
    bool fired;
  };
  Watchdog() { std::thread([this] { Loop(); }).detach(); }
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      Clock::time_point next = Clock::time_point::max();
      const Clock::time_point now = Clock::now();
      for (auto& [id, e] : armed_) {
        if (e.fired) continue;
        if (e.deadline <= now) {
          e.options->SetTerminate();
          e.fired = true;
        } else {
          next = std::min(next, e.deadline);
        }
      }
      if (next == Clock::time_point::max()) cv_.wait(lock);
      else cv_.wait_until(lock, next);
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Entry> armed_;
  uint64_t next_ = 0;
};

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

std::string OrtModel::Run(const Observation& obs, std::vector<float>& out, int64_t budget_us) {
  try {
    std::vector<Ort::Value> inputs;
    for (SensorKind s : impl_->input_sensors) {
      size_t count = 0;
      const float* values = InputValues(obs, s, count);
      const int64_t shape[2] = {1, static_cast<int64_t>(count)};
      inputs.push_back(Ort::Value::CreateTensor<float>(impl_->memory, const_cast<float*>(values), count, shape, 2));
    }
    const char* output = impl_->output_name.c_str();
    Ort::RunOptions options;
    const uint64_t armed = budget_us > 0 ? Watchdog::Get().Arm(Clock::now() + std::chrono::microseconds(budget_us), &options) : 0;
    std::vector<Ort::Value> result;
    try {
      result = impl_->session.Run(options, impl_->input_name_ptrs.data(), inputs.data(), inputs.size(), &output, 1);
    } catch (const Ort::Exception&) {
      if (armed && Watchdog::Get().Disarm(armed))
        return "inference passed the budget of " + std::to_string(budget_us / 1000) + " ms per step and was stopped";
      throw;
    }
    if (armed && Watchdog::Get().Disarm(armed))
      return "inference passed the budget of " + std::to_string(budget_us / 1000) + " ms per step and was stopped";
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
  const std::string error = model_->Run(obs, out_, budget_us_);
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

namespace pw::models {

void StartWatchdog() { Watchdog::Get(); }

void WarmUp() {
  Environment();
  // A one-layer continuous model over the car's state.
  ModelMetadata metadata;
  metadata.action_space.type = ActionSpaceType::kContinuous;
  metadata.sensors = {SensorKind::kState};
  DenseLayer layer;
  layer.inputs = metadata.inputs()[0].size;
  layer.outputs = metadata.output_size();
  layer.weights.assign(static_cast<size_t>(layer.inputs * layer.outputs), 0.01f);
  layer.bias.assign(static_cast<size_t>(layer.outputs), 0.0f);
  const std::string bytes = WriteMlpModel({layer}, metadata);
  auto model = OrtModel::Load(bytes, metadata);
  if (!model) throw std::runtime_error("ONNX Runtime cannot run a model: " + model.error().message);
  Observation obs;
  std::vector<float> out;
  const std::string error = model.value()->Run(obs, out, 0);  // no watchdog: this process may fork next
  if (!error.empty()) throw std::runtime_error("ONNX Runtime cannot run a model: " + error);
}

}  // namespace pw::models
