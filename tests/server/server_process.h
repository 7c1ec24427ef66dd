// A real `pitwall serve` on a loopback port, as a child process, with its own
// data folder: what the integration tests speak HTTP to (and kill -9).
#pragma once

#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "league_db.h"

namespace pw::testing {

using nlohmann::json;

/// A starter model the build trained (build/native/starter_models/starter-<name>.onnx).
inline std::string Starter(const std::string& name) {
  std::ifstream in(std::string(PITWALL_STARTER_DIR) + "/starter-" + name + ".onnx", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (out.str().empty()) throw std::runtime_error("starter model " + name + " is missing: build the starter_models target");
  return out.str();
}

/// A fresh folder under /tmp, removed when the test program exits.
inline std::string TempDir(const std::string& name) {
  struct Cleanup {
    std::vector<std::filesystem::path> dirs;
    ~Cleanup() {
      for (const auto& d : dirs) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    }
  };
  static Cleanup cleanup;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pitwall-test-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(cleanup.dirs.size()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  cleanup.dirs.push_back(dir);
  return dir.string();
}

class ServerProcess {
 public:
  /// The tests speak for many clients from one address: the server trusts
  /// loopback as a proxy, and each ApiClient names itself in X-Forwarded-For.
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra = {"--no-demo"}, int workers = 2,
                         size_t memory_limit_bytes = 0)
      : data_dir_(std::move(data_dir)), extra_(std::move(extra)), workers_(workers), memory_limit_(memory_limit_bytes) {
    Start();
  }
  ~ServerProcess() { Stop(); }
  ServerProcess(const ServerProcess&) = delete;

  void Start() {
    setup_token_.clear();
    database_url_ = TestDatabaseUrl(data_dir_);  // before fork: the schema exists when the server starts
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      // If the test program dies (a crash), its server dies with it rather than living on, holding
      // ctest's output pipe open until the test's timeout.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      if (memory_limit_ > 0) {  // as production would run it (systemd MemoryMax, ulimit -v)
        rlimit as{memory_limit_, memory_limit_};
        ::setrlimit(RLIMIT_AS, &as);
      }
      std::vector<std::string> args = {PITWALL_BINARY, "serve", "--port", "0", "--data", data_dir_, "--workers", std::to_string(workers_),
                                       "--public", PITWALL_PUBLIC_DIR, "--trusted-proxy", "127.0.0.1"};
      args.insert(args.end(), extra_.begin(), extra_.end());
      if (!database_url_.empty()) {
        args.push_back("--database");
        args.push_back(database_url_);
        // On a shared database a restarted server leaves others' evaluations alone until their
        // lease runs out; the tests kill servers on purpose, and wait seconds, not half a minute.
        if (std::find(extra_.begin(), extra_.end(), "--lease-seconds") == extra_.end()) {
          args.push_back("--lease-seconds");
          args.push_back("3");
        }
      }
      // The per-step inference budget is wall-clock time. The tests share a loaded machine (ctest -j,
      // browsers, builds), where a starter model's 0.1 ms step can now and then take 100 ms; only the
      // tests of the budget itself set it.
      if (std::find(extra_.begin(), extra_.end(), "--step-budget-ms") == extra_.end()) {
        args.push_back("--step-budget-ms");
        args.push_back("2000");
      }
      // PITWALL_TEST_WRAPPER runs the server under a tool (heaptrack, valgrind, strace -f).
      if (const char* wrapper = std::getenv("PITWALL_TEST_WRAPPER"); wrapper != nullptr && *wrapper != '\0') {
        std::istringstream words(wrapper);
        std::vector<std::string> prefix{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
        args.insert(args.begin(), prefix.begin(), prefix.end());
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // Read stdout until the server says where it listens.
    std::string text;
    const std::regex ready(R"(serving on http://127\.0\.0\.1:([0-9]+) )");  // the space: the whole port has arrived
    std::smatch m;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!std::regex_search(text, m, ready)) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the server did not start:\n" + text);
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("the server exited while starting:\n" + text);
      text.append(buf, static_cast<size_t>(n));
    }
    startup_output_ = text;
    port_ = std::stoi(m[1].str());
    std::smatch token;
    if (std::regex_search(text, token, std::regex(R"re("setup_token": "([A-Za-z0-9_-]+)")re"))) setup_token_ = token[1].str();
    out_fd_ = out[0];
  }

  /// SIGTERM and wait: a clean stop. False when the server did not stop within `patience`
  /// (it is then killed with SIGKILL, so a test fails instead of hanging).
  bool Stop(std::chrono::milliseconds patience = std::chrono::seconds(60)) { return Terminate(SIGTERM, patience); }
  /// kill -9: no chance to clean up.
  void Kill9() { Terminate(SIGKILL, std::chrono::seconds(60)); }

  int port() const { return port_; }

 private:
  bool Terminate(int signal, std::chrono::milliseconds patience) {
    if (pid_ <= 0) return true;
    ::kill(pid_, signal);
    int status = 0;
    bool in_time = false;
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        in_time = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!in_time) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    return in_time;
  }

 public:
  const std::string& data_dir() const { return data_dir_; }
  const std::string& startup_output() const { return startup_output_; }
  /// The one-time admin setup token a fresh server printed ("" once it has an admin).
  const std::string& setup_token() const { return setup_token_; }
  pid_t pid() const { return pid_; }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  std::string database_url_;  ///< "" : SQLite in the data folder (league_db.h)
  std::string data_dir_;
  std::vector<std::string> extra_;
  int workers_ = 2;
  size_t memory_limit_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
  std::string startup_output_;
  std::string setup_token_;
};

/// Small helpers for the API.
struct ApiClient {
  httplib::Client http;
  std::string token;

  /// Each client has its own address (10.x.y.z, through the trusted-proxy rule).
  explicit ApiClient(const ServerProcess& s) : http(s.Client()), server(&s) {
    static std::atomic<int> next{1};
    const int n = next++;
    address = "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
    http.set_default_headers({{"X-Forwarded-For", address}});
  }
  const ServerProcess* server;
  std::string address;
  httplib::Headers Auth() const { return token.empty() ? httplib::Headers{} : httplib::Headers{{"Authorization", "Bearer " + token}}; }
  httplib::Result Get(const std::string& path) { return http.Get(path.c_str(), Auth()); }
  httplib::Result Post(const std::string& path, const json& body) {
    return http.Post(path.c_str(), Auth(), body.dump(), "application/json");
  }
  httplib::Result Patch(const std::string& path, const json& body) {
    return http.Patch(path.c_str(), Auth(), body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path) { return http.Delete(path.c_str(), Auth()); }
  /// Registers and signs in, then takes the admin role with the server's setup token.
  json SignUpAdmin(const std::string& alias) {
    json racer = SignUp(alias);
    auto r = Post("/api/v1/admin/claim", {{"setup_token", server->setup_token()}});
    if (!r || r->status != 200) throw std::runtime_error("admin claim: " + (r ? r->body : std::string("no response")));
    return json::parse(r->body);
  }
  httplib::Result Upload(const std::string& bytes, const std::string& name = "m") {
    return http.Post(("/api/v1/models?name=" + name).c_str(), Auth(), bytes, "application/octet-stream");
  }
  /// Registers, signs in, and (by default) accepts the racing terms.
  json SignUp(const std::string& alias, bool accept_terms = true, const std::string& password = "a long password") {
    auto r = Post("/api/v1/racers", {{"alias", alias}, {"password", password}});
    if (!r || r->status != 201) throw std::runtime_error("register " + alias + ": " + (r ? r->body : "no response (" + httplib::to_string(r.error()) + ")"));
    auto s = Post("/api/v1/sessions", {{"alias", alias}, {"password", password}});
    if (!s || s->status != 201) throw std::runtime_error("sign in " + alias);
    const json session = json::parse(s->body);
    token = session["token"];
    if (accept_terms) Post("/api/v1/me/terms", {{"accept", true}});
    return session["racer"];
  }
};

inline json Body(const httplib::Result& r) { return json::parse(r->body); }

/// Polls a submission until it is COMPLETED (or `tries` polls 25 ms apart have passed); its last state.
inline json WaitCompleted(ApiClient& client, const std::string& submission_id, int tries = 800) {
  json state;
  for (int i = 0; i < tries; ++i) {
    state = Body(client.Get("/api/v1/submissions/" + submission_id));
    if (state["status"] == "COMPLETED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return state;
}

}  // namespace pw::testing
