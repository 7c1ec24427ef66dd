// The server-worker protocol (docs/WORKER_PROTOCOL.md): length-prefixed
// frames over a pair of pipes (the worker's stdin and stdout). Each frame is
//   u32 header length | header (a JSON object with "type") | u32 payload length | payload bytes
// little-endian. Small on purpose: the same frames could cross a socket to a
// worker on another machine.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pitwall/result.h"

namespace pw::sandbox {

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxHeaderBytes = 16u << 20;   ///< a job's header carries the track
inline constexpr size_t kMaxPayloadBytes = 64u << 20;  ///< a model, or a result's trace

struct Frame {
  nlohmann::json header;
  std::string payload;
  std::string type() const { return header.value("type", ""); }
};

/// The frame's bytes.
std::string EncodeFrame(const nlohmann::json& header, std::string_view payload = {});

/// Writes a whole frame to a blocking descriptor; false when the other end is gone.
bool WriteFrame(int fd, const nlohmann::json& header, std::string_view payload = {});

/// Reads frames from a descriptor, with a deadline per call.
class FrameReader {
 public:
  explicit FrameReader(int fd) : fd_(fd) {}
  /// The next frame. Errors: the other end closed ("closed"), the deadline
  /// passed ("timeout"), or a frame that breaks the protocol (its reason).
  /// deadline_ms < 0 waits forever.
  Result<Frame> Next(int64_t deadline_ms);

 private:
  std::optional<Result<Frame>> Parse();
  int fd_;
  std::string buffer_;
};

/// Milliseconds on the monotonic clock (for deadlines).
int64_t MonotonicMs();

}  // namespace pw::sandbox
