#include "browser_trial.h"

#include <emscripten.h>

#include <map>

namespace pw::web {
namespace {
std::map<int, BrowserTrial*>& Registry() {
  static std::map<int, BrowserTrial*> trials;
  return trials;
}
int next_handle = 1;
BrowserTrial* Find(int h) {
  auto it = Registry().find(h);
  return it == Registry().end() ? nullptr : it->second;
}
}  // namespace

BrowserTrial::BrowserTrial(std::shared_ptr<const Track> track, const RaceRules& rules, const ModelMetadata& metadata)
    : track_(std::move(track)), rules_(rules), metadata_(metadata) {
  TrialConfig config;
  config.sensors = metadata_.sensor_config();
  trial_ = std::make_unique<Trial>(*track_, rules_, config);
  inputs_ = metadata_.inputs();
  handle_ = next_handle++;
  Registry()[handle_] = this;
  Record(false);
}

BrowserTrial::~BrowserTrial() { Registry().erase(handle_); }

double BrowserTrial::progress_pct() const {
  const double laps = static_cast<double>(trial_->result().laps.size());
  return std::min(100.0, (laps + trial_->lap_progress_pct() / 100.0) / rules_.laps * 100.0);
}

const float* BrowserTrial::InputData(int k) const {
  size_t n = 0;
  return InputValues(trial_->observation(), inputs_[static_cast<size_t>(k)].sensor, n);
}

float* BrowserTrial::OutputBuffer(int n) {
  outputs_.assign(static_cast<size_t>(n), 0.0f);
  return outputs_.data();
}

void BrowserTrial::Decide(int n) {
  const Decision d = DecodeModelOutput(metadata_.action_space, outputs_.data(), static_cast<size_t>(n));
  trial_->Advance(&d);
  Record(false);
}

void BrowserTrial::Hold() {
  trial_->Advance(nullptr);
  Record(true);
}

void BrowserTrial::Fail(const std::string& error) {
  Decision d;
  d.error = error;
  while (!trial_->finished() && !trial_->awaiting_decision()) trial_->Advance(nullptr);
  if (!trial_->finished()) trial_->Advance(&d);
}

Frame FrameOf(const Trial& trial, int laps, bool held) {
  const CarState& c = trial.car();
  Frame f;
  f.x = static_cast<float>(c.position.x);
  f.y = static_cast<float>(c.position.y);
  f.heading = static_cast<float>(c.heading_rad);
  f.speed = static_cast<float>(c.speed_mps);
  f.steering_deg = static_cast<float>(RadToDeg(c.steering_rad));
  f.time_ms = static_cast<int32_t>(trial.time_ms());
  f.lap = static_cast<int16_t>(std::min(trial.current_lap(), laps));
  f.held = held;
  f.episode_steps = static_cast<int32_t>(trial.episode_steps());
  return f;
}

std::vector<CourseObject> CourseView::At(const Frame& frame) const {
  std::vector<CourseObject> now;
  course->At(static_cast<double>(frame.episode_steps) / kControlHz, now);
  return now;
}

std::shared_ptr<const CourseView> MakeCourseView(std::shared_ptr<const Track> track, const RaceRules& rules) {
  if (rules.race_type == RaceType::kTimeTrial || !track) return nullptr;
  auto view = std::make_shared<CourseView>();
  view->track = std::move(track);
  view->course = std::make_unique<Course>(*view->track, rules, DefaultCarParams(), 0.0);
  return view;
}

TrialResult RecordReplay(const Track& track, const RaceRules& rules, const DecodedTrace& trace, std::vector<Frame>& frames) {
  ReplayPolicy replay(trace.steps);
  Trial trial(track, rules, ReplayConfig(trace));
  frames.clear();
  frames.push_back(FrameOf(trial, rules.laps, false));
  while (!trial.finished()) {
    const bool held = !trial.awaiting_decision();
    if (held) {
      trial.Advance(nullptr);
    } else {
      const Decision d = replay.Decide(trial.observation());
      trial.Advance(&d);
    }
    frames.push_back(FrameOf(trial, rules.laps, held));
  }
  return trial.result();
}

void BrowserTrial::Record(bool held) { frames_.push_back(FrameOf(*trial_, rules_.laps, held)); }

}  // namespace pw::web

using pw::web::Find;

extern "C" {
EMSCRIPTEN_KEEPALIVE int pw_trial_state(int h) { auto* t = Find(h); return t ? t->State() : 2; }
EMSCRIPTEN_KEEPALIVE int pw_trial_input_count(int h) { auto* t = Find(h); return t ? static_cast<int>(t->inputs().size()) : 0; }
EMSCRIPTEN_KEEPALIVE const char* pw_trial_input_name(int h, int k) { return Find(h)->inputs()[static_cast<size_t>(k)].name.c_str(); }
EMSCRIPTEN_KEEPALIVE int pw_trial_input_size(int h, int k) { return Find(h)->inputs()[static_cast<size_t>(k)].size; }
EMSCRIPTEN_KEEPALIVE const float* pw_trial_input_data(int h, int k) { return Find(h)->InputData(k); }
EMSCRIPTEN_KEEPALIVE float* pw_trial_output_buffer(int h, int n) { return Find(h)->OutputBuffer(n); }
EMSCRIPTEN_KEEPALIVE void pw_trial_decide(int h, int n) { if (auto* t = Find(h)) t->Decide(n); }
EMSCRIPTEN_KEEPALIVE void pw_trial_hold(int h) { if (auto* t = Find(h)) t->Hold(); }
EMSCRIPTEN_KEEPALIVE void pw_trial_fail(int h, const char* error) { if (auto* t = Find(h)) t->Fail(error); }
EMSCRIPTEN_KEEPALIVE void pw_trial_finished_after(int h, double ms) { if (auto* t = Find(h)) t->FinishedAfter(ms); }
}
