// pitwall._core: the racing core for Python (pybind11). The Python package
// (python/pitwall) builds RaceEnv, VecRaceEnv and evaluate() on these few types.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "env_batch.h"
#include "evaluation.h"
#include "model_gate.h"
#include "ort_policy.h"
#include "pitwall/json_codec.h"
#include "pitwall/scoring.h"
#include "pitwall/track_io.h"
#include "pitwall/track_library.h"

namespace py = pybind11;
using nlohmann::json;

namespace pw::python {
namespace {

template <typename T>
T Take(Result<T> r) {
  if (!r) throw py::value_error(r.error().message);
  return std::move(r.value());
}

py::object ToPython(const json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

json FromPython(const py::object& o) {
  return json::parse(py::module_::import("json").attr("dumps")(o).cast<std::string>());
}

using TrackPtr = std::shared_ptr<const Track>;

std::shared_ptr<Track> LoadTrackFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw py::value_error(path + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string name = path.substr(path.find_last_of('/') + 1);
  return std::make_shared<Track>(Take(ImportTrack(bytes.str(), name)));
}

ModelMetadata ParseMetadata(const std::string& metadata_json) {
  Result<ModelMetadata> m = ParseModelMetadata(metadata_json);
  if (!m) throw py::value_error("model_metadata: " + m.error().message);
  return m.value();
}

RaceRules ParseRules(const py::object& rules) {
  if (rules.is_none()) return TrainingRules();
  return Take(RulesFromJson(FromPython(rules)));
}

json TrialResultJson(const TrialResult& r, const RaceRules& rules) {
  const Score s = ScoreLaps(r.laps, rules);
  return {{"laps", LapsToJson(r.laps)},
          {"end", ToString(r.end)},
          {"error", r.error},
          {"steps", r.steps},
          {"sim_time_ms", r.sim_time_ms},
          {"fingerprint", std::to_string(r.fingerprint)},
          {"score", {{"qualified", s.qualified}, {"ranking_ms", s.ranking_ms}, {"best_lap_ms", s.best_lap_ms},
                     {"best_average_ms", s.best_average_ms}, {"total_ms", s.total_ms}, {"complete_laps", s.complete_laps},
                     {"longest_streak", s.longest_streak}, {"off_track_count", s.off_track_count}, {"resets", s.resets}}}};
}

py::dict ParamsDict(const RewardParams& p, const py::list& waypoints) {
  py::dict d;
  d["all_wheels_on_track"] = p.all_wheels_on_track;
  d["x"] = p.x;
  d["y"] = p.y;
  d["closest_objects"] = p.objects_location.empty() ? py::object(py::list()) : py::object(py::make_tuple(p.closest_objects[0], p.closest_objects[1]));
  d["closest_waypoints"] = py::make_tuple(p.closest_waypoints[0], p.closest_waypoints[1]);
  d["distance_from_center"] = p.distance_from_center;
  d["heading"] = p.heading;
  d["is_crashed"] = p.is_crashed;
  d["is_left_of_center"] = p.is_left_of_center;
  d["is_offtrack"] = p.is_offtrack;
  d["is_reversed"] = p.is_reversed;
  py::list locations;
  for (const auto& xy : p.objects_location) locations.append(py::make_tuple(xy[0], xy[1]));
  d["objects_distance"] = py::cast(p.objects_distance);
  d["objects_heading"] = py::cast(p.objects_heading);
  d["objects_left_of_center"] = py::cast(p.objects_left_of_center);
  d["objects_location"] = locations;
  d["objects_speed"] = py::cast(p.objects_speed);
  d["progress"] = p.progress;
  d["speed"] = p.speed;
  d["steering_angle"] = p.steering_angle;
  d["steps"] = p.steps;
  d["track_length"] = p.track_length;
  d["track_width"] = p.track_width;
  d["waypoints"] = waypoints;
  return d;
}

py::list WaypointList(const Track& t) {
  py::list out;
  for (const Waypoint& w : t.waypoints()) out.append(py::make_tuple(w.center.x, w.center.y));
  return out;
}

/// The batch as Python holds it: its C++ engine plus cached Python objects.
struct PyBatch {
  std::unique_ptr<Batch> batch;
  py::list waypoints[2];  // forward, reversed: DeepRacer's `waypoints`, built once

  PyBatch(TrackPtr track, const py::object& rules, const std::string& metadata_json, int cars, int threads, uint64_t seed,
          bool random_start, const std::string& direction, const std::string& reward, bool record_trace) {
    if (cars < 1 || cars > 4096) throw py::value_error("num_envs must be 1..4096, got " + std::to_string(cars));
    EnvConfig c;
    c.track = std::move(track);
    c.rules = ParseRules(rules);
    c.metadata = ParseMetadata(metadata_json);
    c.random_start = random_start;
    if (!ParseDirection(direction, c.direction))
      throw py::value_error("direction must be forward, reverse, alternate or random, got '" + direction + "'");
    if (c.direction != Direction::kForward) c.reversed = std::make_shared<const Track>(Take(ReverseTrack(*c.track)));
    else c.reversed = c.track;
    if (!reward.empty()) {
      c.reward = FindBuiltinReward(reward);
      if (!c.reward) {
        std::string names;
        for (const std::string& n : BuiltinRewardNames()) names += (names.empty() ? "" : ", ") + n;
        throw py::value_error("no built-in reward '" + reward + "' (there are: " + names + ")");
      }
    }
    c.record_trace = record_trace;
    waypoints[0] = WaypointList(*c.track);
    waypoints[1] = WaypointList(*c.reversed);
    batch = std::make_unique<Batch>(std::move(c), cars, threads, seed);
  }

  py::array_t<float> Reset(std::optional<uint64_t> seed) {
    py::array_t<float> obs({batch->size(), batch->observation_size()});
    batch->ResetAll(seed, obs.mutable_data());
    return obs;
  }

  py::tuple Step(const py::array& actions, bool auto_reset) {
    const int n = batch->size();
    const bool discrete = batch->config().metadata.action_space.type == ActionSpaceType::kDiscrete;
    py::array_t<int64_t, py::array::c_style | py::array::forcecast> idx;
    py::array_t<float, py::array::c_style | py::array::forcecast> cont;
    if (discrete) {
      idx = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(actions);
      if (!idx || idx.size() != n) throw py::value_error("expected " + std::to_string(n) + " discrete action indices");
    } else {
      cont = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(actions);
      if (!cont || cont.size() != 2 * n) throw py::value_error("expected " + std::to_string(n) + " x 2 continuous actions");
    }
    py::array_t<float> obs({n, batch->observation_size()});
    py::array_t<double> rewards(n);
    py::array_t<bool> terminated(n), truncated(n);
    py::array_t<double> final_progress(n);
    py::array_t<int64_t> final_laps(n), final_steps(n);
    std::fill(rewards.mutable_data(), rewards.mutable_data() + n, 0.0);
    std::fill(final_progress.mutable_data(), final_progress.mutable_data() + n, 0.0);
    std::fill(final_laps.mutable_data(), final_laps.mutable_data() + n, 0);
    std::fill(final_steps.mutable_data(), final_steps.mutable_data() + n, 0);
    BatchStep out{obs.mutable_data(), rewards.mutable_data(), reinterpret_cast<uint8_t*>(terminated.mutable_data()),
                  reinterpret_cast<uint8_t*>(truncated.mutable_data()), final_progress.mutable_data(), final_laps.mutable_data(),
                  final_steps.mutable_data()};
    const int64_t* idx_data = discrete ? idx.data() : nullptr;
    const float* cont_data = discrete ? nullptr : cont.data();
    {
      py::gil_scoped_release release;
      batch->Step(idx_data, cont_data, auto_reset, out);
    }
    return py::make_tuple(obs, rewards, terminated, truncated, final_progress, final_laps, final_steps);
  }

  /// The params of every car's last step (the episode's last step for cars that were just reset).
  py::list StepParams() {
    py::list out;
    for (int i = 0; i < batch->size(); ++i) out.append(ParamsDict(batch->step_params(i), waypoints[batch->car(i).reversed() ? 1 : 0]));
    return out;
  }
  /// Calls `fn(params)` for every car and returns the rewards as floats.
  py::array_t<double> CallReward(const py::function& fn) {
    py::array_t<double> out(batch->size());
    for (int i = 0; i < batch->size(); ++i) {
      py::object r = fn(ParamsDict(batch->step_params(i), waypoints[batch->car(i).reversed() ? 1 : 0]));
      out.mutable_data()[i] = r.cast<double>();
    }
    return out;
  }
};

}  // namespace
}  // namespace pw::python

PYBIND11_MODULE(_core, m) {
  using namespace pw;
  using namespace pw::python;
  m.doc() = "Pitwall's racing core (the same C++ the league server runs)";
  m.attr("CORE_VERSION") = kCoreVersion;
  m.attr("CONTROL_HZ") = kControlHz;

  py::class_<Track, std::shared_ptr<Track>>(m, "Track", "A checked track: a built-in one or a DeepRacer .npy/.csv or Pitwall .json file")
      .def_static("builtin", [](const std::string& id) { return std::make_shared<Track>(Take(BuiltinTrack(id))); },
                  py::arg("id"))
      .def_static("load", [](const std::string& path) { return LoadTrackFile(path); }, py::arg("path"))
      .def_static("from_bytes",
                  [](const py::bytes& data, const std::string& name) {
                    return std::make_shared<Track>(Take(ImportTrack(std::string(data), name)));
                  },
                  py::arg("data"), py::arg("name"))
      .def_property_readonly("id", &Track::id)
      .def_property_readonly("name", &Track::name)
      .def_property_readonly("closed", &Track::closed)
      .def_property_readonly("length_m", &Track::length_m)
      .def_property_readonly("min_width_m", [](const Track& t) { return t.stats().min_width_m; })
      .def_property_readonly("waypoints",
                             [](const Track& t) {
                               const auto& w = t.waypoints();
                               py::array_t<double> a({static_cast<py::ssize_t>(w.size()), py::ssize_t{6}});
                               auto r = a.mutable_unchecked<2>();
                               for (size_t i = 0; i < w.size(); ++i) {
                                 const double row[6] = {w[i].center.x, w[i].center.y, w[i].inner.x, w[i].inner.y, w[i].outer.x, w[i].outer.y};
                                 for (int k = 0; k < 6; ++k) r(static_cast<py::ssize_t>(i), k) = row[k];
                               }
                               return a;
                             },
                             "rows of centre x, y, inner x, y, outer x, y (metres), as DeepRacer's .npy")
      .def("reversed", [](const Track& t) { return std::make_shared<Track>(Take(ReverseTrack(t))); })
      .def("__repr__", [](const Track& t) { return "<pitwall.Track " + t.id() + ", " + std::to_string(t.length_m()) + " m>"; });

  m.def("builtin_track_ids", &BuiltinTrackIds);
  m.def("builtin_rewards", &BuiltinRewardNames);
  m.def("training_rules", [] { return ToPython(RulesToJson(TrainingRules())); });
  m.def("default_race_rules", [] { return ToPython(RulesToJson(DefaultRaceRules())); });
  m.def("check_rules", [](const py::object& rules) { return ToPython(RulesToJson(Take(RulesFromJson(FromPython(rules))))); });
  m.def("check_metadata", [](const std::string& metadata_json) {
    const ModelMetadata md = ParseMetadata(metadata_json);
    py::list inputs;
    for (const ModelInput& in : md.inputs()) inputs.append(py::make_tuple(in.name, in.size));
    return py::make_tuple(WriteModelMetadata(md), inputs, md.output_size());
  });

  py::class_<PyBatch>(m, "Batch")
      .def(py::init([](const std::shared_ptr<Track>& track, const py::object& rules, const std::string& metadata, int cars, int threads,
                       uint64_t seed, bool random_start, const std::string& direction, const std::string& reward, bool record_trace) {
             return std::make_unique<PyBatch>(track, rules, metadata, cars, threads, seed, random_start, direction, reward, record_trace);
           }),
           py::arg("track"), py::arg("rules"), py::arg("metadata"), py::arg("cars"), py::arg("threads"), py::arg("seed"),
           py::arg("random_start"), py::arg("direction"), py::arg("reward"), py::arg("record_trace"))
      .def_property_readonly("size", [](const PyBatch& b) { return b.batch->size(); })
      .def_property_readonly("observation_size", [](const PyBatch& b) { return b.batch->observation_size(); })
      .def("reset", &PyBatch::Reset, py::arg("seed") = py::none())
      .def("reset_car",
           [](PyBatch& b, int i, std::optional<uint64_t> seed, int start_waypoint, const std::string& direction) {
             std::optional<Direction> d;
             if (!direction.empty()) {
               Direction parsed;
               if (!ParseDirection(direction, parsed)) throw py::value_error("direction must be forward, reverse, alternate or random");
               d = parsed;
             }
             if (d && *d != Direction::kForward && b.batch->config().reversed == b.batch->config().track)
               throw py::value_error("this environment was made with direction='forward'; make it with 'alternate' to drive both ways");
             Car& car = b.batch->car(i);
             car.Reset(seed, start_waypoint, d);
             py::array_t<float> obs(b.batch->observation_size());
             car.WriteObservation(obs.mutable_data());
             return obs;
           },
           py::arg("index"), py::arg("seed") = py::none(), py::arg("start_waypoint") = -1, py::arg("direction") = "")
      .def("step", &PyBatch::Step, py::arg("actions"), py::arg("auto_reset"))
      .def("step_physical",
           [](PyBatch& b, int i, double steering_deg, double speed_mps) {
             Car& car = b.batch->car(i);
             car.StepPhysical(steering_deg, speed_mps);
             py::array_t<float> obs(b.batch->observation_size());
             car.WriteObservation(obs.mutable_data());
             return py::make_tuple(obs, car.done(), car.truncated());
           })
      .def("step_params", &PyBatch::StepParams)
      .def("car_params", [](PyBatch& b, int i) { return ParamsDict(b.batch->car(i).params(), b.waypoints[b.batch->car(i).reversed() ? 1 : 0]); })
      .def("call_reward", &PyBatch::CallReward)
      .def("expert_actions",
           [](PyBatch& b) {
             py::array_t<double> out({b.batch->size(), 2});
             for (int i = 0; i < b.batch->size(); ++i) {
               const Action a = b.batch->car(i).ExpertAction();
               out.mutable_data()[2 * i] = a.steering_deg;
               out.mutable_data()[2 * i + 1] = a.speed_mps;
             }
             return out;
           })
      .def("car_result",
           [](PyBatch& b, int i) {
             const Car& car = b.batch->car(i);
             json j = TrialResultJson(car.trial().result(), car.trial().rules());
             j["finished"] = car.done();
             j["decisions"] = car.decisions();
             j["lap"] = car.trial().current_lap();
             j["lap_progress_pct"] = car.trial().lap_progress_pct();
             j["time_ms"] = car.trial().time_ms();
             j["reversed"] = car.reversed();
             j["start_s_m"] = car.start_s_m();
             json trace = json::array();
             for (const TraceStep& s : car.trial().result().trace) trace.push_back({s.steering_deg, s.speed_mps});
             j["trace"] = std::move(trace);
             return ToPython(j);
           });

  m.def("inspect_model",
        [](const py::bytes& model, std::optional<std::string> metadata_json) {
          const models::ModelReport r = models::InspectModel(std::string(model), metadata_json);
          json inputs = json::array(), outputs = json::array();
          for (const auto& t : r.inputs) inputs.push_back({{"name", t.name}, {"type", t.type}, {"shape", t.shape}});
          for (const auto& t : r.outputs) outputs.push_back({{"name", t.name}, {"type", t.type}, {"shape", t.shape}});
          return ToPython({{"accepted", r.accepted()}, {"problems", r.problems}, {"inputs", inputs}, {"outputs", outputs},
                           {"opset", r.opset}, {"parameters", r.parameters}, {"multiply_adds", r.multiply_adds},
                           {"metadata", r.metadata ? json::parse(WriteModelMetadata(*r.metadata)) : json(nullptr)}});
        },
        py::arg("model"), py::arg("metadata") = py::none());

  m.def("evaluate_model",
        [](const py::bytes& model, const std::shared_ptr<Track>& track, const py::object& rules, std::optional<std::string> metadata_json,
           int64_t step_budget_ms) {
          if (step_budget_ms < 1 || step_budget_ms > 10000) throw py::value_error("step_budget_ms must be 1..10000");
          const RaceRules race = rules.is_none() ? DefaultRaceRules() : Take(RulesFromJson(FromPython(rules)));
          const std::string bytes(model);
          const models::ModelReport report = models::InspectModel(bytes, metadata_json);
          if (!report.accepted()) {
            std::string text = "the model gate refuses this model:";
            for (const std::string& p : report.problems) text += "\n  - " + p;
            throw py::value_error(text);
          }
          Result<models::Evaluation> evaluated = [&] {
            py::gil_scoped_release release;
            return models::EvaluateModel(*track, race, bytes, *report.metadata, step_budget_ms * 1000);
          }();
          if (!evaluated) throw py::value_error("ONNX Runtime cannot run the model: " + evaluated.error().message);
          json j = TrialResultJson(evaluated.value().result, race);
          j["rules"] = RulesToJson(race);
          j["mean_inference_us"] = evaluated.value().mean_inference_us;
          return ToPython(j);
        },
        py::arg("model"), py::arg("track"), py::arg("rules") = py::none(), py::arg("metadata") = py::none(),
        py::arg("step_budget_ms") = models::kDefaultStepBudgetUs / 1000);
}
