#include "trainer.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>

#include "pitwall/expert.h"
#include "pitwall/scoring.h"
#include "pitwall/trial.h"

namespace pw::models {
namespace {

using Mat = Eigen::MatrixXf;
using Vec = Eigen::VectorXf;

constexpr float kSpeedLow = 0.5f, kSpeedHigh = 4.0f;

ModelMetadata StarterMetadata(const std::vector<SensorKind>& sensors, int hidden) {
  ModelMetadata m;
  m.action_space.type = ActionSpaceType::kContinuous;
  m.action_space.steering_low_deg = -30.0;
  m.action_space.steering_high_deg = 30.0;
  m.action_space.speed_low_mps = kSpeedLow;
  m.action_space.speed_high_mps = kSpeedHigh;
  m.sensors = sensors;
  m.training_algorithm = "dagger";
  m.neural_network = "MLP_" + std::to_string(hidden) + "_" + std::to_string(hidden);
  return m;
}

// The two-hidden-layer tanh MLP, with Adam state, trained on normalised inputs.
struct Net {
  Mat w[3];
  Vec b[3];
  Mat mw[3], vw[3];
  Vec mb[3], vb[3];
  int t = 0;

  Net(int in, int hidden, std::mt19937& rng) {
    const int sizes[4] = {in, hidden, hidden, 2};
    for (int l = 0; l < 3; ++l) {
      std::normal_distribution<float> dist(0.0f, std::sqrt(1.0f / static_cast<float>(sizes[l])));
      w[l] = Mat(sizes[l + 1], sizes[l]);
      for (int i = 0; i < w[l].size(); ++i) w[l].data()[i] = dist(rng);
      if (l == 2) w[l] *= 0.1f;
      b[l] = Vec::Zero(sizes[l + 1]);
      mw[l] = Mat::Zero(w[l].rows(), w[l].cols());
      vw[l] = mw[l];
      mb[l] = Vec::Zero(b[l].size());
      vb[l] = mb[l];
    }
  }

  // Columns are samples.
  Mat Forward(const Mat& x, Mat* h1 = nullptr, Mat* h2 = nullptr) const {
    Mat a1 = ((w[0] * x).colwise() + b[0]).array().tanh().matrix();
    Mat a2 = ((w[1] * a1).colwise() + b[1]).array().tanh().matrix();
    Mat out = (w[2] * a2).colwise() + b[2];
    if (h1) *h1 = std::move(a1);
    if (h2) *h2 = std::move(a2);
    return out;
  }

  // One Adam step on a batch; returns the batch loss.
  float Step(const Mat& x, const Mat& y, const Vec& loss_weight, float lr) {
    Mat h1, h2;
    const Mat out = Forward(x, &h1, &h2);
    const Mat diff = out - y;
    const float n = static_cast<float>(x.cols());
    const float loss = (diff.array().square().colwise() * loss_weight.array()).sum() / n;
    Mat d3 = (2.0f / n) * (diff.array().colwise() * loss_weight.array()).matrix();
    Mat gw[3];
    Vec gb[3];
    gw[2] = d3 * h2.transpose();
    gb[2] = d3.rowwise().sum();
    Mat d2 = ((w[2].transpose() * d3).array() * (1.0f - h2.array().square())).matrix();
    gw[1] = d2 * h1.transpose();
    gb[1] = d2.rowwise().sum();
    Mat d1 = ((w[1].transpose() * d2).array() * (1.0f - h1.array().square())).matrix();
    gw[0] = d1 * x.transpose();
    gb[0] = d1.rowwise().sum();
    ++t;
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    const float c1 = 1.0f - std::pow(b1, static_cast<float>(t)), c2 = 1.0f - std::pow(b2, static_cast<float>(t));
    for (int l = 0; l < 3; ++l) {
      mw[l] = b1 * mw[l] + (1.0f - b1) * gw[l];
      vw[l] = b2 * vw[l] + (1.0f - b2) * gw[l].cwiseProduct(gw[l]);
      w[l].array() -= lr * (mw[l].array() / c1) / ((vw[l].array() / c2).sqrt() + eps);
      mb[l] = b1 * mb[l] + (1.0f - b1) * gb[l];
      vb[l] = b2 * vb[l] + (1.0f - b2) * gb[l].cwiseProduct(gb[l]);
      b[l].array() -= lr * (mb[l].array() / c1) / ((vb[l].array() / c2).sqrt() + eps);
    }
    return loss;
  }
};

std::vector<DenseLayer> Export(const Net& net, const Vec& mean, const Vec& inv_std) {
  std::vector<DenseLayer> layers;
  for (int l = 0; l < 3; ++l) {
    Mat w = net.w[l];
    Vec b = net.b[l];
    if (l == 0) {  // fold (x - mean) * inv_std into the first layer
      w = net.w[0] * inv_std.asDiagonal();
      b = net.b[0] - w * mean;
    }
    DenseLayer d;
    d.inputs = static_cast<int>(w.cols());
    d.outputs = static_cast<int>(w.rows());
    for (int r = 0; r < w.rows(); ++r)
      for (int c = 0; c < w.cols(); ++c) d.weights.push_back(w(r, c));
    d.bias.assign(b.data(), b.data() + b.size());
    d.activation = l < 2 ? Activation::kTanh : Activation::kNone;
    layers.push_back(std::move(d));
  }
  return layers;
}

// Every input of the model, concatenated in declared order (as DenseNetPolicy feeds its first layer).
Vec Features(const Observation& obs, const ModelMetadata& metadata) {
  std::vector<float> all;
  for (const ModelInput& in : metadata.inputs()) {
    size_t n = 0;
    const float* v = InputValues(obs, in.sensor, n);
    all.insert(all.end(), v, v + n);
  }
  return Eigen::Map<const Vec>(all.data(), static_cast<Eigen::Index>(all.size()));
}

Vec Target(const Action& a) {
  Vec y(2);
  y(0) = static_cast<float>(a.steering_deg / 30.0);
  y(1) = static_cast<float>((a.speed_mps - kSpeedLow) / (kSpeedHigh - kSpeedLow) * 2.0 - 1.0);
  return y;
}

// Knocks the driver's steering 12 degrees off for 3 steps in every 45.
class KickedPolicy : public Policy {
 public:
  KickedPolicy(Policy& inner, int& step) : inner_(inner), step_(step) {}
  Decision Decide(const Observation& obs) override {
    Decision d = inner_.Decide(obs);
    if (++step_ % 45 < 3) d.action.steering_deg += (step_ / 45) % 2 == 0 ? 12.0 : -12.0;
    return d;
  }

 private:
  Policy& inner_;
  int& step_;
};

// Three laps with resets; among 3 boxes or 3 bots (1 m/s, either lane) of the course `seed` makes.
RaceRules TrainingRules(RaceType type = RaceType::kTimeTrial, uint32_t seed = 1) {
  RaceRules r = DefaultRaceRules();
  r.laps = 3;
  r.min_laps = 3;
  r.reset_on_off_track = true;
  r.race_type = type;
  r.course_seed = seed;
  if (type == RaceType::kObjectAvoidance) {
    r.random_obstacles = true;
    r.obstacle_count = 3;
  }
  if (type == RaceType::kHeadToBot)
    for (uint32_t i = 0; i < 3; ++i) r.bots.push_back({1.0, ((seed >> i) & 1u) != 0 ? Lane::kLeft : Lane::kRight, false, 5.0});
  return r;
}

}  // namespace

DenseNetPolicy::DenseNetPolicy(std::vector<DenseLayer> layers, ModelMetadata metadata)
    : layers_(std::move(layers)), metadata_(std::move(metadata)) {}

Decision DenseNetPolicy::Decide(const Observation& obs) {
  a_.clear();
  for (const ModelInput& in : metadata_.inputs()) {
    size_t n = 0;
    const float* v = InputValues(obs, in.sensor, n);
    a_.insert(a_.end(), v, v + n);
  }
  for (const DenseLayer& l : layers_) {
    b_.assign(static_cast<size_t>(l.outputs), 0.0f);
    for (int r = 0; r < l.outputs; ++r) {
      float s = l.bias[static_cast<size_t>(r)];
      for (int c = 0; c < l.inputs; ++c) s += l.weights[static_cast<size_t>(r * l.inputs + c)] * a_[static_cast<size_t>(c)];
      if (l.activation == Activation::kTanh) s = std::tanh(s);
      if (l.activation == Activation::kRelu) s = std::max(0.0f, s);
      b_[static_cast<size_t>(r)] = s;
    }
    a_.swap(b_);
  }
  return DecodeModelOutput(metadata_.action_space, a_.data(), a_.size());
}

Result<TrainedModel> TrainStarterModel(const Track& track, const TrainOptions& options) {
  if (!(options.pace >= 0.3 && options.pace <= 1.0)) return Error{"pace must be between 0.3 and 1.0"};
  if (!track.closed()) return Error{"starter models are trained on closed loops; '" + track.id() + "' is an open segment"};
  std::mt19937 rng(options.seed);
  const std::vector<SensorKind> sensors = options.sensors.empty() ? std::vector<SensorKind>{options.sensor} : options.sensors;
  const bool course = options.race_type != RaceType::kTimeTrial;
  if (course && !SensorsSuit(sensors, options.race_type))
    return Error{std::string(ToString(options.race_type)) + " models need LIDAR or SECTOR_LIDAR among their sensors to see what is on the track"};
  const ModelMetadata metadata = StarterMetadata(sensors, options.hidden);
  TrialConfig config;
  config.sensors = metadata.sensor_config();
  config.record_trace = false;
  ExpertConfig expert_config;
  expert_config.pace = options.pace;
  if (course) {  // a teacher whose decisions the student can see the reasons for
    expert_config.pace = std::min(options.pace, 0.5);
    expert_config.avoid_horizon_m = kLidarMaxM;
    expert_config.avoid_speed_mps = 1.3;
  }
  uint32_t next_course = 0;  // every rollout among boxes or bots meets a course of its own

  std::vector<Vec> xs, ys;
  // One rollout: `driver` chooses what the car does; the expert labels every state.
  auto rollout = [&](const Track& on, Policy* student, double beta, double steer_noise_deg) {
    ExpertDriver expert(on, config.car, expert_config);
    std::normal_distribution<double> noise(0.0, steer_noise_deg);
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    Trial trial(on, TrainingRules(options.race_type, options.seed * 7919u + ++next_course), config);
    while (!trial.finished()) {
      if (!trial.awaiting_decision()) {
        trial.Advance(nullptr);
        continue;
      }
      const Observation& obs = trial.observation();
      Decision label = expert.Decide(obs);
      xs.push_back(Features(obs, metadata));
      ys.push_back(Target(label.action));
      Decision act = label;
      if (student != nullptr && coin(rng) >= beta) act = student->Decide(obs);
      if (steer_noise_deg > 0.0) act.action.steering_deg += noise(rng);
      trial.Advance(&act);
    }
  };

  // Round 0: the expert's own laps, with some steering noise so that the
  // demonstrations already include small recoveries.
  // Boxes and bots: several courses a round, so it learns them, not one; and the
  // track driven both ways round (DeepRacer's clockwise and counter-clockwise), so
  // it meets turns, and things to pass, on either hand.
  const int courses = course ? 4 : 1;
  const int exam_courses = course ? 4 : 1;
  std::vector<Track> ways{track};
  if (course) {
    auto reversed = ReverseTrack(track);
    if (!reversed) return reversed.error();
    ways.push_back(std::move(reversed.value()));
  }
  auto way = [&](int c) -> const Track& { return ways[static_cast<size_t>(c) % ways.size()]; };
  for (int c = 0; c < courses; ++c) {
    rollout(way(c), nullptr, 1.0, 0.0);
    rollout(way(c), nullptr, 1.0, 4.0);
  }

  const int dim = static_cast<int>(xs[0].size());
  Vec mean = Vec::Zero(dim), inv_std = Vec::Ones(dim);
  for (const Vec& x : xs) mean += x;
  mean /= static_cast<float>(xs.size());
  Vec var = Vec::Zero(dim);
  for (const Vec& x : xs) var += (x - mean).cwiseProduct(x - mean);
  for (int i = 0; i < dim; ++i) inv_std(i) = 1.0f / std::sqrt(std::max(1e-6f, var(i) / static_cast<float>(xs.size())));

  Net net(dim, options.hidden, rng);
  Vec loss_weight(2);
  loss_weight << 1.0f, 0.5f;
  TrainedModel best;
  best.metadata = metadata;
  bool have_best = false;

  for (int round = 0; round <= options.iterations; ++round) {
    if (round > 0) {
      DenseNetPolicy student(Export(net, mean, inv_std), metadata);
      for (int c = 0; c < courses; ++c) rollout(way(c), &student, round == 1 ? 0.5 : 0.0, 0.0);
    }
    // Train on the aggregate.
    const size_t n = xs.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    const int batch = 128;
    double loss_sum = 0.0;
    int batches = 0;
    const float lr = round == 0 ? 3e-3f : 1.5e-3f;
    for (int epoch = 0; epoch < (round == 0 ? 3 * options.epochs : options.epochs); ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      loss_sum = 0.0;
      batches = 0;
      for (size_t start = 0; start < n; start += batch) {
        const size_t m = std::min<size_t>(batch, n - start);
        Mat x(dim, static_cast<Eigen::Index>(m)), y(2, static_cast<Eigen::Index>(m));
        for (size_t j = 0; j < m; ++j) {
          x.col(static_cast<Eigen::Index>(j)) = (xs[order[start + j]] - mean).cwiseProduct(inv_std);
          y.col(static_cast<Eigen::Index>(j)) = ys[order[start + j]];
        }
        loss_sum += net.Step(x, y, loss_weight, lr);
        ++batches;
      }
    }

    // How does the student drive now? Two exams on the training track: three
    // laps with no resets to help it (on each exam course, among boxes or bots;
    // the most clean laps in all wins), and three laps in which its steering is
    // knocked 12 degrees off for a few steps every three seconds (how well it
    // recovers: fewer resets is better). The best student across rounds is kept.
    TrainProgress progress;
    progress.iteration = round;
    progress.iterations = options.iterations;
    progress.samples = xs.size();
    progress.loss = batches ? loss_sum / batches : 0.0;
    std::vector<DenseLayer> layers = Export(net, mean, inv_std);
    DenseNetPolicy exam(layers, metadata);
    // Among boxes or bots: several courses it never trained on, so that the
    // student kept is the one that drives round most of them, not one lucky course.
    progress.exam_courses = exam_courses;
    for (int c = 0; c < exam_courses; ++c) {
      RaceRules exam_rules = TrainingRules(options.race_type, 1000003u + 2u * static_cast<uint32_t>(c));
      exam_rules.reset_on_off_track = false;
      const Score score = ScoreLaps(RunTrial(way(c), exam_rules, exam, config).laps, exam_rules);
      progress.student_laps += score.longest_streak;
      if (score.longest_streak > 0 && (progress.student_best_lap_ms == 0 || score.best_lap_ms < progress.student_best_lap_ms))
        progress.student_best_lap_ms = score.best_lap_ms;
    }
    int step = 0;
    DenseNetPolicy kicked_student(layers, metadata);
    KickedPolicy kicked(kicked_student, step);
    const TrialResult rough = RunTrial(track, TrainingRules(options.race_type, 1000033u), kicked, config);
    progress.resets_when_knocked = 0;
    for (const LapResult& lap : rough.laps) progress.resets_when_knocked += lap.resets;
    if (rough.complete_laps() < 3) progress.resets_when_knocked += 100;  // never finished
    if (options.on_progress) options.on_progress(progress);
    auto rank = [](const TrainProgress& p) {
      return std::tuple(-p.student_laps, p.resets_when_knocked, p.student_laps > 0 ? p.student_best_lap_ms : INT64_MAX);
    };
    if (!have_best || rank(progress) < rank(best.best)) {
      best.layers = std::move(layers);
      best.best = progress;
      have_best = true;
    }
  }
  return best;
}

}  // namespace pw::models
