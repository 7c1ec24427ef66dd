#include "pitwall/model_metadata.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pw {
namespace {

using nlohmann::json;

std::string Num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

struct Problems {
  std::vector<std::string> list;
  void Add(const std::string& field, const std::string& what) { list.push_back(field + ": " + what); }
  Error ToError() const {
    std::string message = "invalid model_metadata: ";
    for (size_t i = 0; i < list.size(); ++i) message += (i ? "; " : "") + list[i];
    return Error{message};
  }
};

bool GetNumber(const json& obj, const std::string& key, const std::string& field, Problems& p, double& out) {
  if (!obj.contains(key)) {
    p.Add(field + "." + key, "missing");
    return false;
  }
  if (!obj[key].is_number()) {
    p.Add(field + "." + key, "must be a number");
    return false;
  }
  out = obj[key].get<double>();
  return true;
}

void CheckSteering(double v, const std::string& field, Problems& p) {
  if (!(v >= -30.0 && v <= 30.0)) p.Add(field, Num(v) + " is outside -30..30 degrees");
}
void CheckSpeed(double v, const std::string& field, Problems& p) {
  if (!(v >= 0.1 && v <= 4.0)) p.Add(field, Num(v) + " is outside 0.1..4 m/s");
}

}  // namespace

const char* ToString(SensorKind kind) {
  switch (kind) {
    case SensorKind::kTrackRays: return "TRACK_RAYS";
    case SensorKind::kState: return "STATE";
    case SensorKind::kLidar: return "LIDAR";
    case SensorKind::kSectorLidar: return "SECTOR_LIDAR";
  }
  return "?";
}

bool ParseSensorKind(const std::string& text, SensorKind& out) {
  for (SensorKind k : {SensorKind::kTrackRays, SensorKind::kState, SensorKind::kLidar, SensorKind::kSectorLidar})
    if (text == ToString(k)) return out = k, true;
  return false;
}

bool SensorsSuit(const std::vector<SensorKind>& sensors, RaceType type) {
  if (type == RaceType::kTimeTrial) return true;
  for (SensorKind s : sensors)
    if (s == SensorKind::kLidar || s == SensorKind::kSectorLidar) return true;
  return false;
}

SensorConfig ModelMetadata::sensor_config() const {
  SensorConfig c;
  for (SensorKind s : sensors) {
    if (s == SensorKind::kTrackRays) c.track_rays = true;
    if (s == SensorKind::kState) c.state = true;
    if (s == SensorKind::kLidar) c.lidar = true;
    if (s == SensorKind::kSectorLidar) c.sector_lidar = true;
  }
  c.rays = track_rays;
  return c;
}

std::vector<ModelInput> ModelMetadata::inputs() const {
  std::vector<ModelInput> in;
  for (SensorKind s : sensors) {
    switch (s) {
      case SensorKind::kTrackRays: in.push_back({s, kTrackRaysInput, track_rays.rays}); break;
      case SensorKind::kState: in.push_back({s, kStateInput, kStateSize}); break;
      case SensorKind::kLidar: in.push_back({s, kLidarInput, kLidarRays}); break;
      case SensorKind::kSectorLidar: in.push_back({s, kSectorLidarInput, kLidarSectors}); break;
    }
  }
  return in;
}

int ModelMetadata::output_size() const {
  return action_space.type == ActionSpaceType::kDiscrete ? static_cast<int>(action_space.discrete.size()) : 2;
}

Result<ModelMetadata> ParseModelMetadata(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Error{"model_metadata is not valid JSON"};
  if (!doc.is_object()) return Error{"model_metadata must be a JSON object"};
  ModelMetadata m;
  Problems p;

  // Action space.
  std::string type = doc.value("action_space_type", std::string());
  if (!doc.contains("action_space_type")) type = doc.contains("action_space") && doc["action_space"].is_array() ? "discrete" : "";
  if (type != "discrete" && type != "continuous") {
    p.Add("action_space_type", "must be \"discrete\" or \"continuous\"");
  } else if (!doc.contains("action_space")) {
    p.Add("action_space", "missing");
  } else if (type == "discrete") {
    m.action_space.type = ActionSpaceType::kDiscrete;
    const json& actions = doc["action_space"];
    if (!actions.is_array() || actions.empty()) {
      p.Add("action_space", "a discrete action space is a non-empty list of {steering_angle, speed}");
    } else if (actions.size() > kMaxDiscreteActions) {
      p.Add("action_space", std::to_string(actions.size()) + " actions; at most " + std::to_string(kMaxDiscreteActions));
    } else {
      for (size_t i = 0; i < actions.size(); ++i) {
        const std::string field = "action_space[" + std::to_string(i) + "]";
        if (!actions[i].is_object()) {
          p.Add(field, "must be an object {steering_angle, speed}");
          continue;
        }
        Action a;
        if (GetNumber(actions[i], "steering_angle", field, p, a.steering_deg)) CheckSteering(a.steering_deg, field + ".steering_angle", p);
        if (GetNumber(actions[i], "speed", field, p, a.speed_mps)) CheckSpeed(a.speed_mps, field + ".speed", p);
        m.action_space.discrete.push_back(a);
      }
    }
  } else {
    m.action_space.type = ActionSpaceType::kContinuous;
    const json& space = doc["action_space"];
    if (!space.is_object() || !space.contains("steering_angle") || !space.contains("speed") ||
        !space["steering_angle"].is_object() || !space["speed"].is_object()) {
      p.Add("action_space", "a continuous action space is {steering_angle: {low, high}, speed: {low, high}}");
    } else {
      auto& s = m.action_space;
      if (GetNumber(space["steering_angle"], "low", "action_space.steering_angle", p, s.steering_low_deg))
        CheckSteering(s.steering_low_deg, "action_space.steering_angle.low", p);
      if (GetNumber(space["steering_angle"], "high", "action_space.steering_angle", p, s.steering_high_deg))
        CheckSteering(s.steering_high_deg, "action_space.steering_angle.high", p);
      if (GetNumber(space["speed"], "low", "action_space.speed", p, s.speed_low_mps)) CheckSpeed(s.speed_low_mps, "action_space.speed.low", p);
      if (GetNumber(space["speed"], "high", "action_space.speed", p, s.speed_high_mps)) CheckSpeed(s.speed_high_mps, "action_space.speed.high", p);
      if (s.steering_low_deg > s.steering_high_deg) p.Add("action_space.steering_angle", "low is above high");
      if (s.speed_low_mps > s.speed_high_mps) p.Add("action_space.speed", "low is above high");
    }
  }

  // Sensors.
  if (!doc.contains("sensor") || !doc["sensor"].is_array() || doc["sensor"].empty()) {
    p.Add("sensor", "a non-empty list, e.g. [\"TRACK_RAYS\"] or [\"STATE\"]");
  } else {
    for (size_t i = 0; i < doc["sensor"].size(); ++i) {
      const json& s = doc["sensor"][i];
      const std::string name = s.is_string() ? s.get<std::string>() : std::string();
      SensorKind kind;
      if (!ParseSensorKind(name, kind)) {
        p.Add("sensor[" + std::to_string(i) + "]",
              "'" + (s.is_string() ? name : s.dump()) + "' is not a sensor Pitwall simulates (TRACK_RAYS, STATE, LIDAR, SECTOR_LIDAR)");
        continue;
      }
      for (SensorKind seen : m.sensors)
        if (seen == kind) p.Add("sensor[" + std::to_string(i) + "]", name + " is declared twice");
      m.sensors.push_back(kind);
    }
  }
  if (doc.contains("track_rays")) {
    const json& r = doc["track_rays"];
    if (!r.is_object()) {
      p.Add("track_rays", "must be an object {rays, fov_deg, range_m}");
    } else {
      if (r.contains("rays")) {
        if (!r["rays"].is_number_integer() || r["rays"].get<int>() < 1 || r["rays"].get<int>() > kMaxTrackRays)
          p.Add("track_rays.rays", "must be a whole number from 1 to " + std::to_string(kMaxTrackRays));
        else m.track_rays.rays = r["rays"].get<int>();
      }
      double v;
      if (r.contains("fov_deg") && GetNumber(r, "fov_deg", "track_rays", p, v)) {
        if (!(v > 0.0 && v <= 360.0)) p.Add("track_rays.fov_deg", "must be in (0, 360]");
        else m.track_rays.fov_deg = v;
      }
      if (r.contains("range_m") && GetNumber(r, "range_m", "track_rays", p, v)) {
        if (!(v > 0.0 && v <= 20.0)) p.Add("track_rays.range_m", "must be in (0, 20]");
        else m.track_rays.range_m = v;
      }
    }
  }

  if (doc.contains("training_algorithm")) {
    if (!doc["training_algorithm"].is_string()) p.Add("training_algorithm", "must be a string");
    else m.training_algorithm = doc["training_algorithm"].get<std::string>();
  }
  if (doc.contains("neural_network") && doc["neural_network"].is_string()) m.neural_network = doc["neural_network"].get<std::string>();
  if (doc.contains("version")) m.version = doc["version"].is_string() ? doc["version"].get<std::string>() : doc["version"].dump();
  if (!p.list.empty()) return p.ToError();
  return m;
}

std::string WriteModelMetadata(const ModelMetadata& m) {
  json doc;
  if (m.action_space.type == ActionSpaceType::kDiscrete) {
    doc["action_space_type"] = "discrete";
    doc["action_space"] = json::array();
    for (const Action& a : m.action_space.discrete) doc["action_space"].push_back({{"steering_angle", a.steering_deg}, {"speed", a.speed_mps}});
  } else {
    doc["action_space_type"] = "continuous";
    doc["action_space"] = {{"steering_angle", {{"low", m.action_space.steering_low_deg}, {"high", m.action_space.steering_high_deg}}},
                           {"speed", {{"low", m.action_space.speed_low_mps}, {"high", m.action_space.speed_high_mps}}}};
  }
  doc["sensor"] = json::array();
  for (SensorKind s : m.sensors) doc["sensor"].push_back(ToString(s));
  for (SensorKind s : m.sensors)
    if (s == SensorKind::kTrackRays)
      doc["track_rays"] = {{"rays", m.track_rays.rays}, {"fov_deg", m.track_rays.fov_deg}, {"range_m", m.track_rays.range_m}};
  doc["training_algorithm"] = m.training_algorithm;
  doc["neural_network"] = m.neural_network;
  doc["version"] = m.version;
  return doc.dump();
}

Decision DecodeModelOutput(const ActionSpace& space, const float* values, size_t count) {
  Decision d;
  const size_t expected = space.type == ActionSpaceType::kDiscrete ? space.discrete.size() : 2;
  if (count != expected) {
    d.error = "the model output " + std::to_string(count) + " values, expected " + std::to_string(expected);
    return d;
  }
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      d.error = "output " + std::to_string(i) + " is " + (std::isnan(values[i]) ? "NaN" : "infinite");
      return d;
    }
  }
  if (space.type == ActionSpaceType::kDiscrete) {
    size_t best = 0;
    for (size_t i = 1; i < count; ++i)
      if (values[i] > values[best]) best = i;
    d.discrete_index = static_cast<int>(best);
    d.action = space.discrete[best];
    return d;
  }
  auto scale = [](float v, double low, double high) {
    const double u = std::fmin(1.0, std::fmax(-1.0, static_cast<double>(v)));
    return low + (u + 1.0) * 0.5 * (high - low);
  };
  d.action.steering_deg = scale(values[0], space.steering_low_deg, space.steering_high_deg);
  d.action.speed_mps = scale(values[1], space.speed_low_mps, space.speed_high_mps);
  return d;
}

const float* InputValues(const Observation& obs, SensorKind sensor, size_t& count) {
  switch (sensor) {
    case SensorKind::kTrackRays: count = obs.track_rays.size(); return obs.track_rays.data();
    case SensorKind::kLidar: count = obs.lidar.size(); return obs.lidar.data();
    case SensorKind::kSectorLidar: count = obs.sector_lidar.size(); return obs.sector_lidar.data();
    case SensorKind::kState: break;
  }
  count = obs.state.size();
  return obs.state.data();
}

}  // namespace pw
