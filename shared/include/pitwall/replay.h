// Replays: the action trace of a trial, in a compact versioned format, and
// its re-simulation. Because the core is bit-identical everywhere, replaying a
// trace on the same track under the same rules reproduces the run exactly, so
// anyone can verify a leaderboard time from its trace alone.
//
// Format 1 (before the server's deflate compression; little-endian):
//   "PWTR" | u8 format (1) | u16 core version | u8 kind (0 discrete, 1 continuous) | u32 steps
//   discrete:   u8 action count, then (f32 steering_deg, f32 speed_mps) per action; then one u8 index per step
//   continuous: steering (0.01 degree) then speed (mm/s), the trial's resolution, each as the i16
//               difference from the previous step, stored as two byte planes (all low bytes, then all
//               high bytes), which deflate compresses well
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pitwall/policy.h"
#include "pitwall/result.h"
#include "pitwall/rules.h"
#include "pitwall/track.h"
#include "pitwall/trial.h"

namespace pw {

inline constexpr int kTraceFormatVersion = 1;

struct DecodedTrace {
  int core_version = 0;
  std::vector<TraceStep> steps;
};

/// Encodes a trial's applied actions. Discrete actions are stored as indices
/// into `space.discrete` when every step has one; otherwise as continuous values.
std::string EncodeTrace(const std::vector<TraceStep>& steps, const ActionSpace& space);
/// Decodes a trace; refuses other formats, other core versions and damaged data, saying which.
Result<DecodedTrace> DecodeTrace(std::string_view bytes);
/// How a decoded trace replays: `config` following the core version that recorded it,
/// so a run raced by an older core replays as it was raced.
TrialConfig ReplayConfig(const DecodedTrace& trace, TrialConfig config = {});

/// A replay checked against the laps the server stored.
struct ReplayCheck {
  bool matches = false;
  std::vector<LapResult> laps;   ///< as the replay timed them
  std::string difference;        ///< the first difference, in words
  TrialResult result;
};

/// Re-runs the trace and compares lap by lap (count, status, time to the millisecond).
ReplayCheck VerifyReplay(const Track& track, const RaceRules& rules, const std::vector<TraceStep>& steps,
                         const std::vector<LapResult>& expected, const TrialConfig& config = {});

}  // namespace pw
