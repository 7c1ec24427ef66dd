// A trial run in the browser: the same core as the server, a model in ONNX
// Runtime Web. The step loop lives in JS (platform/inference); this object
// holds the trial and records every step for playback (speed, steering, path).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pitwall/course.h"
#include "pitwall/model_metadata.h"
#include "pitwall/replay.h"
#include "pitwall/trial.h"

namespace pw::web {

/// One control step as played back.
struct Frame {
  float x = 0, y = 0, heading = 0, speed = 0, steering_deg = 0;
  int32_t time_ms = 0;
  int16_t lap = 1;
  bool held = false;
  int32_t episode_steps = 0;  ///< the course's clock: boxes and bots are where Course::At puts them then
};

/// What a race puts on its track (boxes, bots), for drawing, with the track it is laid on.
struct CourseView {
  std::shared_ptr<const Track> track;
  std::unique_ptr<Course> course;
  /// Everything on the track at a frame (the frame's episode clock).
  std::vector<CourseObject> At(const Frame& frame) const;
};
/// The race's course, or null for a time trial (nothing to draw).
std::shared_ptr<const CourseView> MakeCourseView(std::shared_ptr<const Track> track, const RaceRules& rules);

/// The frame a trial is at now.
Frame FrameOf(const Trial& trial, int laps, bool held);

/// Re-simulates a trace (no model needed) as the core that recorded it ran, recording every step for playback.
TrialResult RecordReplay(const Track& track, const RaceRules& rules, const DecodedTrace& trace, std::vector<Frame>& frames);

class BrowserTrial {
 public:
  BrowserTrial(std::shared_ptr<const Track> track, const RaceRules& rules, const ModelMetadata& metadata);
  ~BrowserTrial();
  int handle() const { return handle_; }

  bool finished() const { return trial_->finished(); }
  bool done() const { return wall_ms_ >= 0.0; }      ///< the JS loop has returned
  double wall_ms() const { return wall_ms_; }       ///< how long the whole run took
  const TrialResult& result() const { return trial_->result(); }
  const std::vector<Frame>& frames() const { return frames_; }
  const Track& track() const { return *track_; }
  double progress_pct() const;

  // The C API the JS loop calls (see the pw_trial_* functions).
  int State() const { return trial_->finished() ? 2 : (trial_->awaiting_decision() ? 0 : 1); }
  const std::vector<ModelInput>& inputs() const { return inputs_; }
  const float* InputData(int k) const;
  float* OutputBuffer(int n);
  void Decide(int n);
  void Hold();
  void Fail(const std::string& error);
  void FinishedAfter(double ms) { wall_ms_ = ms; }

 private:
  void Record(bool held);
  std::shared_ptr<const Track> track_;
  RaceRules rules_;
  ModelMetadata metadata_;
  std::unique_ptr<Trial> trial_;
  std::vector<ModelInput> inputs_;
  std::vector<float> outputs_;
  std::vector<Frame> frames_;
  double wall_ms_ = -1.0;
  int handle_ = 0;
};

}  // namespace pw::web
