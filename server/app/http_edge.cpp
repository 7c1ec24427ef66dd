#include "http_edge.h"

#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>

namespace pw::server {
namespace {

thread_local ConnectionControl* current_connection = nullptr;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Answers written straight to a socket, when no worker is involved.
std::string RawProblem(int status, const char* reason, const char* type, const char* title, const char* detail, bool retry) {
  const std::string body = std::string("{\"type\":\"https://pitwall.dev/problems/") + type + "\",\"title\":\"" + title +
                           "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + detail + "\"}";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: application/problem+json\r\n" +
         (retry ? "Retry-After: 1\r\n" : "") + "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
const std::string kTooManyConnections =
    RawProblem(503, "Service Unavailable", "busy", "Server busy", "the server has too many open connections; retry shortly", true);
const std::string kBusy = RawProblem(503, "Service Unavailable", "busy", "Server busy", "every worker is busy; retry shortly", true);
const std::string kHeadTooLarge = RawProblem(431, "Request Header Fields Too Large", "head-too-large", "Request head too large",
                                             "the request line and headers are over the server's limit", false);
const std::string kHeadTimeout =
    RawProblem(408, "Request Timeout", "timeout", "Request timeout", "the request did not arrive in time", false);

bool IEquals(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The value of a header in a raw head (first match, case-insensitive name), or "".
std::string RawHeader(const std::string& head, size_t head_len, const char* name) {
  const size_t n = std::strlen(name);
  size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head_len) {
    const size_t start = line + 2;
    const size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end > head_len) break;
    if (end - start > n && head[start + n] == ':' && IEquals(head.data() + start, name, n)) {
      size_t v = start + n + 1;
      while (v < end && (head[v] == ' ' || head[v] == '\t')) ++v;
      return head.substr(v, end - v);
    }
    line = end;
  }
  return "";
}

}  // namespace

ConnectionControl* CurrentConnection() { return current_connection; }

struct EdgeServer::Conn {
  int fd = -1;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;
  std::string buf;  // bytes read and not yet consumed, from `pos`
  size_t pos = 0;
  size_t scanned = 0;  // how far the parker looked for the end of the head
  std::atomic<bool> parked{false};  // waiting in the parker (else a worker has it)
  bool head_started = false;
  bool peer_closed = false;  // the client shut down its sending side
  int64_t deadline_ms = 0;       // parked: idle or head deadline; busy: body deadline
  int requests = 0;
  ConnectionControl control;
};

// The worker pool: fixed threads with small stacks and a bounded queue.
class EdgeServer::Pool : public httplib::TaskQueue {
 public:
  Pool(EdgeServer& server, int threads, size_t queue_max, size_t stack_bytes) : server_(server), queue_max_(queue_max) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::max<size_t>(stack_bytes, PTHREAD_STACK_MIN));
    for (int i = 0; i < threads; ++i) {
      pthread_t t;
      if (pthread_create(&t, &attr, &Pool::Run, this) == 0) threads_.push_back(t);
    }
    pthread_attr_destroy(&attr);
    server_.StartParker();
  }
  ~Pool() override = default;

  bool enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ || jobs_.size() >= queue_max_) return false;
      jobs_.push_back(std::move(fn));
    }
    cv_.notify_one();
    return true;
  }

  void shutdown() override {
    server_.StopParker();  // no new work from idle connections
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (pthread_t t : threads_) pthread_join(t, nullptr);
    threads_.clear();
  }

  int busy() const { return busy_.load(); }
  int queued() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(jobs_.size());
  }

 private:
  static void* Run(void* self) {
    static_cast<Pool*>(self)->Loop();
    return nullptr;
  }
  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping and drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      ++busy_;
      try {
        job();
      } catch (...) {
        // Handlers are total; nothing may end a worker.
      }
      --busy_;
    }
  }

  EdgeServer& server_;
  size_t queue_max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<pthread_t> threads_;
  bool stop_ = false;
  std::atomic<int> busy_{0};
};

// cpp-httplib's view of a connection while a worker serves one request: reads
// come from the connection's buffer first, every read and write waits at most
// io_timeout, and reads stop at the request's deadline.
class EdgeServer::ConnStream : public httplib::Stream {
 public:
  ConnStream(Conn& c, const EdgeLimits& limits) : c_(c), limits_(limits) {}

  bool is_readable() const override { return c_.pos < c_.buf.size() || Wait(POLLIN, limits_.io_timeout_ms); }
  bool is_writable() const override { return Wait(POLLOUT, limits_.io_timeout_ms) && Alive(); }

  ssize_t read(char* ptr, size_t size) override {
    if (c_.pos >= c_.buf.size()) {
      c_.buf.clear();
      c_.pos = 0;
      const int64_t left = c_.deadline_ms - SteadyMs();
      if (left <= 0 || !Wait(POLLIN, static_cast<int>(std::min<int64_t>(left, limits_.io_timeout_ms)))) return -1;
      if (size >= 4096) {
        const ssize_t n = ::recv(c_.fd, ptr, size, 0);
        return n;
      }
      char tmp[4096];
      const ssize_t n = ::recv(c_.fd, tmp, sizeof tmp, 0);
      if (n <= 0) return n;
      c_.buf.assign(tmp, static_cast<size_t>(n));
    }
    const size_t n = std::min(size, c_.buf.size() - c_.pos);
    std::memcpy(ptr, c_.buf.data() + c_.pos, n);
    c_.pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!Wait(POLLOUT, limits_.io_timeout_ms)) return -1;
    return ::send(c_.fd, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.remote_ip;
    port = c_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_ip;
    port = c_.local_port;
  }
  socket_t socket() const override { return c_.fd; }

 private:
  bool Wait(short events, int timeout_ms) const {
    pollfd p{c_.fd, events, 0};
    for (;;) {
      const int r = ::poll(&p, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      return r > 0 && (p.revents & events) != 0;
    }
  }
  // A peer that closed its end shows as readable with nothing to read.
  bool Alive() const {
    if (c_.pos < c_.buf.size()) return true;
    pollfd p{c_.fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return true;
    char b;
    return ::recv(c_.fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  }

  Conn& c_;
  const EdgeLimits& limits_;
};

EdgeServer::EdgeServer(EdgeLimits limits) : limits_(limits) {
  const int threads = limits_.workers + limits_.stream_workers;
  new_task_queue = [this, threads] {
    pool_ = new Pool(*this, threads, static_cast<size_t>(limits_.max_queued), limits_.thread_stack_bytes);
    return pool_;
  };
  // Timeouts cpp-httplib writes into its own answers and socket options.
  set_keep_alive_timeout(std::max(1, limits_.idle_timeout_ms / 1000));
  set_keep_alive_max_count(static_cast<size_t>(limits_.max_requests_per_connection));
  set_read_timeout(limits_.io_timeout_ms / 1000, (limits_.io_timeout_ms % 1000) * 1000);
  set_write_timeout(limits_.io_timeout_ms / 1000, (limits_.io_timeout_ms % 1000) * 1000);
}

EdgeServer::~EdgeServer() { StopParker(); }

EdgeStats EdgeServer::Stats() const {
  EdgeStats s;
  s.connections = connections_.load();
  s.parked = parked_.load();
  if (pool_) {
    s.busy_workers = pool_->busy();
    s.queued = pool_->queued();
  }
  return s;
}

void EdgeServer::StartParker() {
  if (parker_.joinable()) return;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  parker_stop_ = false;
  parker_ = std::thread([this] { ParkerLoop(); });
}

void EdgeServer::StopParker() {
  if (!parker_.joinable()) return;
  parker_stop_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  parker_.join();
  // Close every idle connection; busy ones close when their worker finishes.
  std::vector<std::shared_ptr<Conn>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [fd, c] : conns_)
      if (c->parked) idle.push_back(c);
  }
  for (auto& c : idle) Close(c);
  ::close(epoll_fd_);
  ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

bool EdgeServer::process_and_close_socket(socket_t sock) {
  if (connections_.fetch_add(1) >= limits_.max_connections) {
    --connections_;
    [[maybe_unused]] const ssize_t n = ::send(sock, kTooManyConnections.data(), kTooManyConnections.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return false;
  }
  auto c = std::make_shared<Conn>();
  c->fd = sock;
  httplib::detail::get_remote_ip_and_port(sock, c->remote_ip, c->remote_port);
  httplib::detail::get_local_ip_and_port(sock, c->local_ip, c->local_port);
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns_[sock] = c;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.fd = sock;
  if (parker_stop_ || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sock, &ev) != 0) {
    Close(c);
    return false;
  }
  Park(c);
  return true;
}

void EdgeServer::Park(const std::shared_ptr<Conn>& c) {
  if (c->pos > 0) {  // keep what a pipelining client already sent
    c->buf.erase(0, c->pos);
    c->pos = 0;
  }
  if (c->buf.capacity() > limits_.max_head_bytes + limits_.buffered_body_bytes) c->buf.shrink_to_fit();
  c->scanned = 0;
  c->head_started = !c->buf.empty();
  // A new connection must start a request as promptly as an idle one.
  c->deadline_ms = SteadyMs() + (c->head_started ? limits_.head_timeout_ms : limits_.idle_timeout_ms);
  bool parked = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!parker_stop_) {  // shutting down: no more requests on this connection
      c->parked = parked = true;
      ++parked_;
      to_check_.push_back(c);
    }
  }
  if (!parked) return Close(c);
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void EdgeServer::Close(const std::shared_ptr<Conn>& c, const std::string* raw_answer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = conns_.find(c->fd);
    if (it == conns_.end() || it->second != c) return;  // already closed
    conns_.erase(it);
    if (c->parked) {
      c->parked = false;
      --parked_;
    }
  }
  if (raw_answer) {
    [[maybe_unused]] const ssize_t n = ::send(c->fd, raw_answer->data(), raw_answer->size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  if (epoll_fd_ >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::shutdown(c->fd, SHUT_RDWR);
  ::close(c->fd);
  --connections_;
}

void EdgeServer::Dispatch(const std::shared_ptr<Conn>& c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!c->parked) return;
    c->parked = false;
    --parked_;
  }
  if (!pool_ || !pool_->enqueue([this, c] { Serve(c); })) Close(c, &kBusy);
}

// Parker thread: reads what a parked connection sent and decides whether its
// request is complete enough for a worker.
void EdgeServer::Fill(const std::shared_ptr<Conn>& c, int64_t now_ms) {
  const size_t cap = limits_.max_head_bytes + limits_.buffered_body_bytes;
  for (;;) {
    if (c->buf.size() >= cap) break;
    char tmp[16384];
    const ssize_t n = ::recv(c->fd, tmp, std::min(sizeof tmp, cap - c->buf.size()), MSG_DONTWAIT);
    if (n > 0) {
      if (!c->head_started) {
        c->head_started = true;
        c->deadline_ms = now_ms + limits_.head_timeout_ms;
      }
      c->buf.append(tmp, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {  // the client finished sending: answer what it sent, then close
      c->peer_closed = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Close(c);
  }
  if (c->buf.empty()) {
    if (c->peer_closed) Close(c);
    return;
  }
  const size_t from = c->scanned > 3 ? c->scanned - 3 : 0;
  const size_t end = c->buf.find("\r\n\r\n", from);
  if (end == std::string::npos) {
    c->scanned = c->buf.size();
    if (c->buf.size() >= limits_.max_head_bytes) Close(c, &kHeadTooLarge);
    else if (c->peer_closed) Close(c);
    return;
  }
  const size_t head_len = end + 4;
  if (head_len > limits_.max_head_bytes) return Close(c, &kHeadTooLarge);
  // Small bodies are read here too, so that a slow sender never holds a worker.
  size_t need = head_len;
  const std::string length = RawHeader(c->buf, head_len, "Content-Length");
  if (!length.empty() && RawHeader(c->buf, head_len, "Expect").empty() && RawHeader(c->buf, head_len, "Transfer-Encoding").empty()) {
    char* stop = nullptr;
    const unsigned long long body = std::strtoull(length.c_str(), &stop, 10);
    if (stop && *stop == '\0' && body <= limits_.buffered_body_bytes) need += static_cast<size_t>(body);
  }
  if (c->buf.size() >= need || c->peer_closed) Dispatch(c);
}

void EdgeServer::ParkerLoop() {
  std::vector<epoll_event> events(256);
  int64_t last_sweep = SteadyMs();
  while (!parker_stop_) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 100);
    const int64_t now = SteadyMs();
    std::vector<std::shared_ptr<Conn>> check;
    {
      std::lock_guard<std::mutex> lock(mu_);
      check.swap(to_check_);
      for (int i = 0; i < n; ++i) {
        if (events[static_cast<size_t>(i)].data.fd == wake_fd_) continue;
        auto it = conns_.find(events[static_cast<size_t>(i)].data.fd);
        if (it != conns_.end() && it->second->parked) check.push_back(it->second);
      }
    }
    for (int i = 0; i < n; ++i)
      if (events[static_cast<size_t>(i)].data.fd == wake_fd_) {
        uint64_t v;
        [[maybe_unused]] const ssize_t r = ::read(wake_fd_, &v, sizeof v);
      }
    for (const auto& c : check)
      if (c->parked) Fill(c, now);
    if (now - last_sweep >= 100) {
      last_sweep = now;
      std::vector<std::shared_ptr<Conn>> late;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& [fd, c] : conns_)
          if (c->parked && now > c->deadline_ms) late.push_back(c);
      }
      for (auto& c : late) Close(c, c->head_started ? &kHeadTimeout : nullptr);
    }
  }
}

void EdgeServer::Serve(const std::shared_ptr<Conn>& c) {
  c->control = ConnectionControl{};
  c->control.client = c->remote_ip;
  current_connection = &c->control;
  c->deadline_ms = SteadyMs() + limits_.body_timeout_ms;
  const bool last = ++c->requests >= limits_.max_requests_per_connection || parker_stop_;
  bool closed = false;
  ConnStream stream(*c, limits_);
  bool ok = false;
  try {
    ok = process_request(stream, c->remote_ip, c->remote_port, c->local_ip, c->local_port, last, closed, [](httplib::Request& req) {
      // A request with neither a length nor chunked coding has no body (RFC 9112 6.3);
      // cpp-httplib would otherwise read until the client closes.
      if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) req.set_header("Content-Length", "0");
    });
  } catch (...) {
    ok = false;
  }
  if (c->control.on_done) c->control.on_done();
  current_connection = nullptr;
  if (!ok || closed || last || c->control.close_after || c->peer_closed) Close(c);
  else Park(c);
}

}  // namespace pw::server
