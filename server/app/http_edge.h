// The HTTP edge's connection model. cpp-httplib parses requests and routes
// them; the connections are ours:
// - a connection that is idle between requests, or has sent only part of a
//   request head (a slow client), waits in one epoll "parker" thread and holds
//   no worker thread;
// - the parker reads the head, and a small body, into the connection's own
//   buffer, and hands the connection to a worker only when they are complete,
//   so a slow sender costs a few kilobytes, never a thread;
// - a whole head must arrive within a deadline from its first byte (a new
//   connection must start one within the same time), idle keep-alive
//   connections are closed after a short timeout, a large body must arrive
//   within its own deadline;
// - workers are a fixed pool of threads with small stacks; when every worker
//   is busy and the queue is full, a new request gets a 503 at once.
// This relies on cpp-httplib 0.18's protected Server::process_request and the
// overridable process_and_close_socket; the version is pinned by setup.sh.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace pw::server {

/// The edge's limits; every one is a `pitwall serve` option (docs/SECURITY.md).
struct EdgeLimits {
  int workers = 32;                        ///< threads serving requests (live streams have their own, below)
  int stream_workers = 64;                 ///< extra threads for live streams (the stream cap)
  int max_connections = 4096;              ///< open client sockets, idle or busy
  int max_queued = 4096;                   ///< complete requests waiting for a worker
  size_t max_head_bytes = 16 * 1024;       ///< request line + headers
  size_t buffered_body_bytes = 64 * 1024;  ///< bodies up to this size are read before a worker is taken
  int head_timeout_ms = 10'000;            ///< a whole head (and a small body) from its first byte
  int idle_timeout_ms = 5'000;             ///< keep-alive: a connection between requests
  int body_timeout_ms = 60'000;            ///< a large body (a model upload), from the end of its head
  int io_timeout_ms = 10'000;              ///< one read or write making no progress
  int max_requests_per_connection = 10'000;
  size_t thread_stack_bytes = 1024 * 1024;  ///< route regexes recurse per path byte: paths are capped at 1 KiB
};

struct EdgeStats {
  int connections = 0;  ///< open client sockets
  int parked = 0;       ///< of which idle or still sending a head
  int busy_workers = 0;
  int queued = 0;
};

/// What a handler may ask of the connection behind its request.
struct ConnectionControl {
  bool close_after = false;  ///< close once the answer is written (the body was not read)
  std::string client;        ///< the client's address (after the trusted-proxy rule)
  std::function<void()> on_done;  ///< runs once the request is over, whatever happened
};
/// The connection behind the request this thread is serving, or nullptr.
ConnectionControl* CurrentConnection();

class EdgeServer : public httplib::Server {
 public:
  explicit EdgeServer(EdgeLimits limits);
  ~EdgeServer() override;
  EdgeServer(const EdgeServer&) = delete;

  EdgeStats Stats() const;
  const EdgeLimits& limits() const { return limits_; }

 private:
  struct Conn;
  class Pool;
  class ConnStream;
  friend class Pool;
  friend class ConnStream;

  bool process_and_close_socket(socket_t sock) override;
  void Serve(const std::shared_ptr<Conn>& c);
  void Park(const std::shared_ptr<Conn>& c);
  void Close(const std::shared_ptr<Conn>& c, const std::string* raw_answer = nullptr);
  void Dispatch(const std::shared_ptr<Conn>& c);
  void Fill(const std::shared_ptr<Conn>& c, int64_t now_ms);
  void StartParker();
  void StopParker();
  void ParkerLoop();

  EdgeLimits limits_;
  Pool* pool_ = nullptr;  // owned by cpp-httplib's listen loop (new_task_queue)
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread parker_;
  std::atomic<bool> parker_stop_{false};
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<Conn>> conns_;  // by socket
  std::vector<std::shared_ptr<Conn>> to_check_;           // parked by a worker, for the parker to look at
  std::atomic<int> connections_{0};
  std::atomic<int> parked_{0};
};

}  // namespace pw::server
