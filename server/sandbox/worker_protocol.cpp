#include "worker_protocol.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

namespace pw::sandbox {
namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string EncodeFrame(const nlohmann::json& header, std::string_view payload) {
  const std::string h = header.dump();
  std::string out;
  out.reserve(8 + h.size() + payload.size());
  PutU32(out, static_cast<uint32_t>(h.size()));
  out.append(h);
  PutU32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

bool WriteFrame(int fd, const nlohmann::json& header, std::string_view payload) {
  const std::string bytes = EncodeFrame(header, payload);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::optional<Result<Frame>> FrameReader::Parse() {
  if (buffer_.size() < 4) return std::nullopt;
  const size_t header_len = GetU32(buffer_, 0);
  if (header_len > kMaxHeaderBytes) return Result<Frame>(Error{"a frame header of " + std::to_string(header_len) + " bytes is over the limit"});
  if (buffer_.size() < 8 + header_len) return std::nullopt;
  const size_t payload_len = GetU32(buffer_, 4 + header_len);
  if (payload_len > kMaxPayloadBytes) return Result<Frame>(Error{"a frame payload of " + std::to_string(payload_len) + " bytes is over the limit"});
  if (buffer_.size() < 8 + header_len + payload_len) return std::nullopt;
  Frame f;
  f.header = nlohmann::json::parse(buffer_.begin() + 4, buffer_.begin() + 4 + static_cast<std::ptrdiff_t>(header_len), nullptr, false);
  if (!f.header.is_object() || !f.header.contains("type") || !f.header["type"].is_string())
    return Result<Frame>(Error{"a frame header is not a JSON object with a type"});
  f.payload = buffer_.substr(8 + header_len, payload_len);
  buffer_.erase(0, 8 + header_len + payload_len);
  return Result<Frame>(std::move(f));
}

Result<Frame> FrameReader::Next(int64_t deadline_ms) {
  for (;;) {
    if (auto f = Parse()) return std::move(*f);
    int wait = -1;
    if (deadline_ms >= 0) {
      const int64_t left = deadline_ms - MonotonicMs();
      if (left <= 0) return Error{"timeout"};
      wait = static_cast<int>(std::min<int64_t>(left, 60'000));
    }
    pollfd p{fd_, POLLIN, 0};
    const int r = poll(&p, 1, wait);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error{std::string("poll: ") + std::strerror(errno)};
    if (r == 0) continue;  // the deadline is checked above
    char chunk[65536];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Error{"closed"};
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace pw::sandbox
