// The driving-model contract shared by the server (native ONNX Runtime) and
// the browser (ONNX Runtime Web): what a model declares in its
// model_metadata (DeepRacer's model_metadata.json plus our sensor settings),
// which inputs it is fed, and how its outputs become an action.
// docs/MODEL_FORMAT.md states the contract in words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pitwall/policy.h"
#include "pitwall/result.h"
#include "pitwall/rules.h"
#include "pitwall/sensors.h"

namespace pw {

inline constexpr int kMaxDiscreteActions = 32;
inline constexpr int kMaxTrackRays = 64;
/// The input tensor names, one per declared sensor, each shaped [1, size].
inline constexpr const char* kTrackRaysInput = "track_rays";
inline constexpr const char* kStateInput = "state";
inline constexpr const char* kLidarInput = "lidar";
inline constexpr const char* kSectorLidarInput = "sector_lidar";

enum class SensorKind { kTrackRays, kState, kLidar, kSectorLidar };
const char* ToString(SensorKind kind);  ///< "TRACK_RAYS", "STATE", "LIDAR", "SECTOR_LIDAR"
/// The reverse of ToString; false for a sensor Pitwall does not simulate.
bool ParseSensorKind(const std::string& text, SensorKind& out);
/// Whether a model with these sensors can see what a race of this type puts on the track: every
/// model can drive a time trial; boxes and bot cars are seen only through LIDAR or SECTOR_LIDAR.
bool SensorsSuit(const std::vector<SensorKind>& sensors, RaceType type);

/// One model input: which sensor, its tensor name and its width.
struct ModelInput {
  SensorKind sensor;
  std::string name;
  int size = 0;
};

struct ModelMetadata {
  ActionSpace action_space;
  std::vector<SensorKind> sensors;  ///< in declared order; one input tensor each
  TrackRaysConfig track_rays;       ///< when TRACK_RAYS is declared
  std::string training_algorithm = "clipped_ppo";
  std::string neural_network;
  std::string version = "5";

  SensorConfig sensor_config() const;
  std::vector<ModelInput> inputs() const;
  /// Outputs the model must produce: the number of discrete actions, or 2.
  int output_size() const;
};

/// Parses and checks model_metadata JSON. Every problem is listed, each with
/// the field it concerns (e.g. "action_space[3].speed: 5 is outside 0.1..4 m/s").
Result<ModelMetadata> ParseModelMetadata(std::string_view json);
std::string WriteModelMetadata(const ModelMetadata& metadata);

/// Turns a model's raw output into an action: discrete, the highest score wins
/// (ties to the lower index); continuous, two values in [-1, 1] (steering,
/// speed; values outside are clamped) scaled linearly to the declared ranges.
/// NaN, infinity or the wrong count is a model error.
Decision DecodeModelOutput(const ActionSpace& space, const float* values, size_t count);

/// The observation values that feed one input tensor.
const float* InputValues(const Observation& obs, SensorKind sensor, size_t& count);

}  // namespace pw
