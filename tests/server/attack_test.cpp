// The HTTP edge as an attacker sees it: the real server on loopback, under a
// memory limit as in production (RLIMIT_AS 1 GiB), and for each attack the
// same questions: does the server stay up, do health checks and leaderboard
// reads keep answering (a prober measures them throughout), does memory come
// back, and does the attacker get a clear 4xx?
//
// Latency bounds here are loose on purpose (this machine is shared and
// noisy): they catch starvation (seconds), not slowness; bench/ prints the
// real figures.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <thread>

#include "model_corpus.h"
#include "prober.h"
#include "server_process.h"

namespace pw::testing {
namespace {

constexpr size_t kMemoryLimit = size_t{1} << 30;
constexpr double kStarvedMs = 1000.0;  // a prober request slower than this means the attack starved others

// ---------- raw sockets ----------

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads until the peer closes or `timeout_ms` passes.
std::string ReadAll(int fd, int timeout_ms) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) break;
    char buf[16384];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// One raw request on a fresh connection; the answer as the server wrote it.
std::string Raw(int port, const std::string& request, int timeout_ms = 3000) {
  const int fd = Connect(port);
  if (fd < 0) return "";
  SendAll(fd, request);
  ::shutdown(fd, SHUT_WR);
  std::string out = ReadAll(fd, timeout_ms);
  ::close(fd);
  return out;
}

int StatusOf(const std::string& answer) {
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
  return std::atoi(answer.c_str() + 9);
}

// The problem+json body of a raw answer, parsed (throws if it is not JSON).
json ProblemOf(const std::string& answer) {
  const size_t body = answer.find("\r\n\r\n");
  return json::parse(answer.substr(body + 4));
}


class Attack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    server_ = new ServerProcess(TempDir("attack"), {"--no-demo"}, 1, kMemoryLimit);
    admin_ = new ApiClient(*server_);
    admin_->SignUpAdmin("steward");
    auto race = admin_->Post("/api/v1/races", {{"name", "Target"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}});
    board_ = "/api/v1/races/" + Body(race)["id"].dump() + "/leaderboard";
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete server_;
  }
  void SetUp() override { baseline_rss_ = Settle(); }
  // Up, answering, and back to its memory.
  void ExpectHealthy(const char* attack) {
    auto r = ApiClient(*server_).Get("/api/v1/health");
    ASSERT_TRUE(r) << attack << ": the server does not answer";
    EXPECT_EQ(r->status, 200) << attack;
    const size_t after = Settle();
    std::printf("[ attack   ] %s: RSS %.1f MiB before, %.1f MiB after\n", attack, baseline_rss_ / 1048576.0, after / 1048576.0);
    EXPECT_LE(after, baseline_rss_ + (48u << 20)) << attack << ": memory did not come back";
  }
  // RSS once the server has had a moment to give memory back (it trims every second).
  static size_t Settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return RssBytes(server_->pid());
  }
  static void ExpectProberFine(Prober& p, const char* attack) {
    p.Stop();
    std::printf("[ attack   ] %s: prober p99 %.1f ms over %zu requests, %d failed\n", attack, p.P99Ms(), p.count(), p.failures());
    EXPECT_EQ(p.failures(), 0) << attack;
    EXPECT_LT(p.P99Ms(), kStarvedMs) << attack;
  }

  static ServerProcess* server_;
  static ApiClient* admin_;
  static std::string board_;
  size_t baseline_rss_ = 0;
};
ServerProcess* Attack::server_ = nullptr;
ApiClient* Attack::admin_ = nullptr;
std::string Attack::board_;

TEST_F(Attack, InvalidUtf8AnywhereIsA400NeverACrash) {
  const int port = server_->port();
  const std::string requests[] = {
      "GET /%FF HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /%C3%28 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
      "GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/invitations/%FF HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/races?status=%FF HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/races?%FF=1 HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nContent-Type: application/\xff\r\nContent-Length: 2\r\n\r\n{}",
      "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Anything: \xc3\x28\r\n\r\n",
      "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
      "GET /join/%FF HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /embed/races/1/leaderboard%FF HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/races/99999999999999999999999999/leaderboard HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/races/" + std::string(4000, '7') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/races/" + std::string(1000, '7') + "/leaderboard HTTP/1.1\r\nHost: x\r\n\r\n",
      "OPTIONS /api/v1/" + std::string(1000, '7') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "\xff\xfe\xfd\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
  };
  for (const std::string& request : requests) {
    const std::string answer = Raw(port, request);
    const int status = StatusOf(answer);
    if (request.rfind("OPTIONS", 0) == 0) {
      EXPECT_EQ(status, 204) << answer.substr(0, 200);
      continue;
    }
    EXPECT_GE(status, 400) << request.substr(0, 80) << " -> " << answer.substr(0, 200);
    EXPECT_LT(status, 500) << request.substr(0, 80) << " -> " << answer.substr(0, 300);
    if (answer.find("application/problem+json") != std::string::npos) {
      EXPECT_NO_THROW(ProblemOf(answer)) << answer;
    }
  }
  // A model named with invalid UTF-8 is refused and nothing is stored.
  ApiClient racer(*server_);
  racer.SignUp("utf8-prober");
  auto upload = racer.http.Post("/api/v1/models?name=%FF", racer.Auth(), Starter("park-state"), "application/octet-stream");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 400) << upload->body;
  auto list = racer.Get("/api/v1/models");
  ASSERT_EQ(list->status, 200);
  EXPECT_TRUE(Body(list)["models"].empty());
  // Typed wrongly is a field error, not a 500.
  auto kind = admin_->Post("/api/v1/races", {{"kind", 5}, {"name", "x"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}});
  EXPECT_EQ(kind->status, 422) << kind->body;
  // Dates that do not exist are refused.
  for (const char* bad : {"2027-02-30T00:00:00Z", "2027-13-01T00:00:00Z", "2027-01-01T24:00:00Z", "2027-01-01T00:00:60Z", "2027-1-01T00:00:00Z",
                          "2027-01-01 00:00:00Z", "2027-01-01T00:00:00+25:00"}) {
    auto r = admin_->Post("/api/v1/races", {{"name", "Dates"}, {"track_id", "pitwall_park"}, {"closes_at", bad}});
    EXPECT_EQ(r->status, 422) << bad << ": " << r->body;
  }
  EXPECT_EQ(admin_->Post("/api/v1/races", {{"name", "Leap"}, {"track_id", "pitwall_park"}, {"closes_at", "2028-02-29T12:00:00.5+01:00"}})->status, 201);
  ExpectHealthy("invalid UTF-8");
}

TEST_F(Attack, BodyBombsGetA4xxBeforeTheyAreRead) {
  Prober prober(*server_, board_);
  const int port = server_->port();
  // Chunked: refused at once, whatever follows.
  std::string chunked = "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n";
  for (int i = 0; i < 64; ++i) chunked += "4000\r\n" + std::string(0x4000, '[') + "\r\n";
  std::string answer = Raw(port, chunked);
  EXPECT_EQ(StatusOf(answer), 411) << answer.substr(0, 200);
  // Compressed request bodies: refused before inflating anything.
  answer = Raw(port, "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n" +
                         std::string(20, '\x1f'));
  EXPECT_EQ(StatusOf(answer), 415) << answer.substr(0, 200);
  // A huge declared length: 413 without reading it.
  answer = Raw(port, "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n{");
  EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 200);
  answer = Raw(port, "POST /api/v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 413) << answer.substr(0, 200);
  // Over the anonymous limit without a session: 401 before the body is read.
  answer = Raw(port, "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n{");
  EXPECT_EQ(StatusOf(answer), 401) << answer.substr(0, 200);
  // Deep JSON within the size limit.
  httplib::Client c("127.0.0.1", port);
  auto deep = c.Post("/api/v1/racers", std::string(30000, '[') + std::string(30000, ']'), "application/json");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 400) << deep->body;
  // A body without a length is no body (RFC 9112): the request is answered, not left reading.
  answer = Raw(port, "POST /api/v1/racers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 400) << answer.substr(0, 200);
  // Large authenticated uploads in parallel: refused by the gate, memory given back.
  std::vector<std::thread> uploads;
  std::atomic<int> clear_4xx{0};
  for (int i = 0; i < 8; ++i)
    uploads.emplace_back([&, i] {
      ApiClient racer(*server_);
      racer.SignUp("bomber" + std::to_string(i));
      auto r = racer.Upload(std::string(8u << 20, static_cast<char>('A' + i)));
      if (r && r->status >= 400 && r->status < 500) ++clear_4xx;
      else if (r && r->status == 503 && r->has_header("Retry-After")) ++clear_4xx;
    });
  for (auto& t : uploads) t.join();
  EXPECT_EQ(clear_4xx, 8);
  ExpectProberFine(prober, "body bombs");
  ExpectHealthy("body bombs");
}

TEST_F(Attack, ThousandKeepAlivePollersAndHundredSlowSockets) {
  const int port = server_->port();
  // 100 slowloris sockets: half a head, then a byte now and then.
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) {
    const int fd = Connect(port);
    ASSERT_GE(fd, 0);
    SendAll(fd, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    slow.push_back(fd);
  }
  // 1,000 keep-alive pollers, each reading the leaderboard about once a second.
  std::vector<int> pollers;
  for (int i = 0; i < 1000; ++i) {
    const int fd = Connect(port);
    ASSERT_GE(fd, 0) << "connection " << i;
    pollers.push_back(fd);
  }
  Prober prober(*server_, board_);
  const std::string request = "GET " + board_ + " HTTP/1.1\r\nHost: x\r\n\r\n";
  int answered = 0, failed = 0;
  for (int round = 0; round < 12; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int fd : pollers) SendAll(fd, request);
    if (round < 8) for (int fd : slow) SendAll(fd, "a");  // then silence: the 408 must not meet unread bytes
    // Collect one answer per poller.
    std::vector<std::string> got(pollers.size());
    std::vector<bool> done(pollers.size(), false);
    size_t remaining = pollers.size();
    while (remaining > 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
      std::vector<pollfd> fds;
      std::vector<size_t> index;
      for (size_t i = 0; i < pollers.size(); ++i)
        if (!done[i]) {
          fds.push_back({pollers[i], POLLIN, 0});
          index.push_back(i);
        }
      if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
      for (size_t k = 0; k < fds.size(); ++k) {
        if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const size_t i = index[k];
        char buf[8192];
        const ssize_t n = ::recv(pollers[i], buf, sizeof buf, 0);
        if (n <= 0) {
          done[i] = true;
          --remaining;
          ++failed;
          continue;
        }
        got[i].append(buf, static_cast<size_t>(n));
        const size_t head = got[i].find("\r\n\r\n");
        if (head == std::string::npos) continue;
        const size_t length_at = got[i].find("Content-Length: ");
        const size_t length = length_at == std::string::npos ? 0 : std::stoul(got[i].substr(length_at + 16));
        if (got[i].size() >= head + 4 + length) {
          done[i] = true;
          --remaining;
          if (StatusOf(got[i]) == 200) ++answered;
          else ++failed;
        }
      }
    }
    failed += static_cast<int>(remaining);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000) - (std::chrono::steady_clock::now() - start));
  }
  std::printf("[ attack   ] 1,000 pollers: %d answered, %d failed\n", answered, failed);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(answered, 12 * 1000);
  ExpectProberFine(prober, "1,000 pollers + 100 slow sockets");
  // The slow sockets were told off within the head deadline (10 s).
  int timed_out = 0;
  for (int fd : slow) {
    const std::string answer = ReadAll(fd, 2000);
    if (StatusOf(answer) == 408) ++timed_out;
    ::close(fd);
  }
  EXPECT_EQ(timed_out, 100);
  for (int fd : pollers) ::close(fd);
  ExpectHealthy("1,000 pollers + 100 slow sockets");
}

TEST_F(Attack, PasswordGuessingIsLimitedAndSignInsDoNotStarveReads) {
  ApiClient victim(*server_);
  victim.SignUp("victim");
  Prober prober(*server_, board_);
  // 300 wrong passwords from one address: limited per address, with Retry-After.
  ApiClient guesser(*server_);
  int limited = 0, wrong = 0;
  for (int i = 0; i < 300; ++i) {
    auto r = guesser.Post("/api/v1/sessions", {{"alias", "victim"}, {"password", "guess " + std::to_string(i)}});
    ASSERT_TRUE(r);
    if (r->status == 429) {
      ++limited;
      EXPECT_TRUE(r->has_header("Retry-After"));
    } else {
      EXPECT_EQ(r->status, 401) << r->body;
      ++wrong;
    }
  }
  EXPECT_GE(limited, 250);
  EXPECT_LE(wrong, 30);
  // From many addresses: the alias itself backs off.
  int alias_limited = 0;
  for (int i = 0; i < 20; ++i) {
    ApiClient other(*server_);
    auto r = other.Post("/api/v1/sessions", {{"alias", "VICTIM"}, {"password", "spray " + std::to_string(i)}});
    if (r && r->status == 429) ++alias_limited;
  }
  EXPECT_GE(alias_limited, 10);
  // 64 parallel sign-ins with the right password (others' accounts): all served or told to retry.
  std::vector<std::unique_ptr<ApiClient>> racers;
  for (int i = 0; i < 64; ++i) {
    racers.push_back(std::make_unique<ApiClient>(*server_));
    racers.back()->SignUp("parallel" + std::to_string(i));
  }
  std::atomic<int> ok{0}, retry{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i)
    threads.emplace_back([&, i] {
      auto r = racers[static_cast<size_t>(i)]->Post("/api/v1/sessions", {{"alias", "parallel" + std::to_string(i)}, {"password", "a long password"}});
      if (r && r->status == 201) ++ok;
      else if (r && r->status == 503 && r->has_header("Retry-After")) ++retry;
    });
  for (auto& t : threads) t.join();
  std::printf("[ attack   ] 64 parallel sign-ins: %d signed in, %d told to retry\n", ok.load(), retry.load());
  EXPECT_EQ(ok + retry, 64);
  EXPECT_GT(ok, 0);
  ExpectProberFine(prober, "password guessing + 64 sign-ins");
  ExpectHealthy("password guessing + 64 sign-ins");
  // Registration floods from one address are limited too.
  ApiClient flood(*server_);
  int registered = 0, refused = 0;
  for (int i = 0; i < 15; ++i) {
    auto r = flood.Post("/api/v1/racers", {{"alias", "flood" + std::to_string(i)}, {"password", "a long password"}});
    if (r->status == 201) ++registered;
    else if (r->status == 429) ++refused;
  }
  EXPECT_EQ(registered, 10);
  EXPECT_EQ(refused, 5);
}

TEST_F(Attack, StreamChurnIsCappedPerClientAndCountedBack) {
  Prober prober(*server_, board_);
  const std::string events = board_.substr(0, board_.size() - std::string("/leaderboard").size()) + "/events";
  const int port = server_->port();
  auto open_stream = [&](const std::string& address) {
    const int fd = Connect(port);
    SendAll(fd, "GET " + events + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + address + "\r\n\r\n");
    return fd;
  };
  // Four per client; the fifth is refused with a clear 429.
  std::vector<int> mine;
  for (int i = 0; i < 4; ++i) {
    mine.push_back(open_stream("10.9.9.9"));
    EXPECT_NE(ReadAll(mine.back(), 500).find("event: hello"), std::string::npos);
  }
  const int fifth = open_stream("10.9.9.9");
  const std::string refused = ReadAll(fifth, 1000);
  EXPECT_EQ(StatusOf(refused), 429) << refused.substr(0, 200);
  ::close(fifth);
  // Churn: 200 streams from other clients opened and dropped.
  for (int round = 0; round < 10; ++round) {
    std::vector<int> burst;
    for (int i = 0; i < 20; ++i) burst.push_back(open_stream("10.8." + std::to_string(round) + "." + std::to_string(i)));
    for (int fd : burst) ReadAll(fd, 50);
    for (int fd : burst) ::close(fd);
  }
  for (int fd : mine) ::close(fd);
  // Every stream is counted back within a couple of seconds of its client leaving.
  int live = -1;
  for (int i = 0; i < 40 && live != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    live = Body(ApiClient(*server_).Get("/api/v1/health"))["live_streams"];
  }
  EXPECT_EQ(live, 0);
  ExpectProberFine(prober, "stream churn");
  ExpectHealthy("stream churn");
}

TEST_F(Attack, AnswersCarrySecurityHeadersAndCorsOnlyWithoutCredentials) {
  ApiClient anon(*server_);
  auto page = anon.Get("/");
  ASSERT_EQ(page->status, 200);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self' 'wasm-unsafe-eval'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(page->get_header_value("Referrer-Policy").empty());
  const std::string race_id = board_.substr(std::string("/api/v1/races/").size(), board_.find("/leaderboard") - std::string("/api/v1/races/").size());
  auto embed = anon.Get("/embed/races/" + race_id + "/leaderboard");
  ASSERT_EQ(embed->status, 200);
  EXPECT_NE(embed->get_header_value("Content-Security-Policy").find("frame-ancestors *"), std::string::npos);
  EXPECT_FALSE(embed->has_header("X-Frame-Options"));
  // Public reads: CORS. The same read with credentials, or anything private: none.
  EXPECT_EQ(anon.Get(board_)->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(admin_->Get(board_)->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(admin_->Get("/api/v1/me")->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(anon.Post("/api/v1/sessions", {{"alias", "x"}, {"password", "y"}})->has_header("Access-Control-Allow-Origin"));
}

TEST_F(Attack, ModelBombsAreRefusedAtUploadWithTheirReason) {
  Prober prober(*server_, board_);
  ApiClient racer(*server_);
  racer.SignUp("bomb-maker");
  const struct {
    std::string bytes;
    const char* reason;
  } bombs[] = {{SparseInitializerBomb(), "sparse tensors are not allowed"},
               {PadBomb(), "would hold 100000008 elements"},
               {WorkBomb(), "multiply-adds per step"}};
  for (const auto& bomb : bombs) {
    auto r = racer.Upload(bomb.bytes, "bomb");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body;
    EXPECT_NE(r->body.find(bomb.reason), std::string::npos) << r->body;
  }
  EXPECT_TRUE(Body(racer.Get("/api/v1/models"))["models"].empty());  // nothing stored
  ExpectProberFine(prober, "model bombs");
  ExpectHealthy("model bombs");
}

}  // namespace
}  // namespace pw::testing
