#include "pitwall/replay.h"

#include <cmath>
#include <cstring>

namespace pw {
namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t GetU32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
  return v;
}
uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace

std::string EncodeTrace(const std::vector<TraceStep>& steps, const ActionSpace& space) {
  bool discrete = space.type == ActionSpaceType::kDiscrete && !space.discrete.empty() && space.discrete.size() <= 255;
  for (const TraceStep& s : steps)
    discrete = discrete && s.discrete_index >= 0 && s.discrete_index < static_cast<int>(space.discrete.size());
  std::string out = "PWTR";
  out.push_back(static_cast<char>(kTraceFormatVersion));
  out.push_back(static_cast<char>(kCoreVersion & 0xff));
  out.push_back(static_cast<char>(kCoreVersion >> 8));
  out.push_back(static_cast<char>(discrete ? 0 : 1));
  PutU32(out, static_cast<uint32_t>(steps.size()));
  if (discrete) {
    out.push_back(static_cast<char>(space.discrete.size()));
    for (const Action& a : space.discrete) {
      PutU32(out, Bits(static_cast<float>(a.steering_deg)));
      PutU32(out, Bits(static_cast<float>(a.speed_mps)));
    }
    for (const TraceStep& s : steps) out.push_back(static_cast<char>(s.discrete_index));
    return out;
  }
  // Steering in 0.01 degree and speed in mm/s (the trial's resolution), as
  // differences from the previous step, in two byte planes: small numbers,
  // mostly zero high bytes, which deflate packs tightly.
  for (int field = 0; field < 2; ++field) {
    std::vector<int16_t> deltas;
    long prev = 0;
    for (const TraceStep& s : steps) {
      const long v = field == 0 ? std::lround(static_cast<double>(s.steering_deg) * 100.0) : std::lround(static_cast<double>(s.speed_mps) * 1000.0);
      deltas.push_back(static_cast<int16_t>(v - prev));
      prev = v;
    }
    for (int plane = 0; plane < 2; ++plane)
      for (int16_t d : deltas) out.push_back(static_cast<char>((static_cast<uint16_t>(d) >> (8 * plane)) & 0xff));
  }
  return out;
}

Result<DecodedTrace> DecodeTrace(std::string_view b) {
  if (b.size() < 12 || b.substr(0, 4) != "PWTR") return Error{"not a Pitwall trace"};
  const int format = static_cast<unsigned char>(b[4]);
  if (format != kTraceFormatVersion)
    return Error{"trace format " + std::to_string(format) + " is not supported (this Pitwall reads format " + std::to_string(kTraceFormatVersion) + ")"};
  DecodedTrace t;
  t.core_version = static_cast<unsigned char>(b[5]) | (static_cast<unsigned char>(b[6]) << 8);
  if (t.core_version < kOldestReplayableCoreVersion || t.core_version > kCoreVersion)
    return Error{"the trace was recorded by racing core version " + std::to_string(t.core_version) + "; this is version " +
                 std::to_string(kCoreVersion) + " (it replays versions " + std::to_string(kOldestReplayableCoreVersion) + " to " +
                 std::to_string(kCoreVersion) + "), so it cannot replay it exactly"};
  const int kind = static_cast<unsigned char>(b[7]);
  const size_t n = GetU32(b, 8);
  size_t at = 12;
  if (n > 10'000'000) return Error{"the trace claims " + std::to_string(n) + " steps"};
  if (kind == 0) {
    if (b.size() < at + 1) return Error{"the trace is truncated"};
    const size_t actions = static_cast<unsigned char>(b[at++]);
    if (b.size() < at + actions * 8 + n) return Error{"the trace is truncated"};
    std::vector<Action> table;
    for (size_t i = 0; i < actions; ++i, at += 8) table.push_back({FromBits(GetU32(b, at)), FromBits(GetU32(b, at + 4))});
    for (size_t i = 0; i < n; ++i) {
      const size_t idx = static_cast<unsigned char>(b[at++]);
      if (idx >= table.size()) return Error{"step " + std::to_string(i) + " names action " + std::to_string(idx) + " of " + std::to_string(table.size())};
      t.steps.push_back({static_cast<float>(table[idx].steering_deg), static_cast<float>(table[idx].speed_mps), static_cast<int>(idx)});
    }
  } else if (kind == 1) {
    if (b.size() != at + n * 4) return Error{"the trace is truncated or has trailing bytes"};
    t.steps.resize(n);
    for (int field = 0; field < 2; ++field) {
      long value = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint16_t lo = static_cast<unsigned char>(b[at + i]), hi = static_cast<unsigned char>(b[at + n + i]);
        value += static_cast<int16_t>(static_cast<uint16_t>(lo | (hi << 8)));
        if (field == 0) t.steps[i].steering_deg = QuantizeSteering(static_cast<double>(value) / 100.0);
        else t.steps[i].speed_mps = QuantizeSpeed(static_cast<double>(value) / 1000.0);
      }
      at += 2 * n;
    }
  } else {
    return Error{"unknown action kind " + std::to_string(kind)};
  }
  return t;
}

TrialConfig ReplayConfig(const DecodedTrace& trace, TrialConfig config) {
  config.core_version = trace.core_version;
  return config;
}

ReplayCheck VerifyReplay(const Track& track, const RaceRules& rules, const std::vector<TraceStep>& steps,
                         const std::vector<LapResult>& expected, const TrialConfig& config) {
  ReplayPolicy replay(steps);
  ReplayCheck check;
  check.result = RunTrial(track, rules, replay, config);
  check.laps = check.result.laps;
  if (check.laps.size() != expected.size()) {
    check.difference = "the replay has " + std::to_string(check.laps.size()) + " laps; the result has " + std::to_string(expected.size());
    return check;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    const LapResult& a = check.laps[i];
    const LapResult& e = expected[i];
    if (a.status != e.status || a.time_ms != e.time_ms) {
      check.difference = "lap " + std::to_string(i + 1) + ": the replay gives " + std::to_string(a.time_ms) + " ms " + ToString(a.status) +
                         ", the result says " + std::to_string(e.time_ms) + " ms " + ToString(e.status);
      return check;
    }
  }
  check.matches = true;
  return check;
}

}  // namespace pw
