// libFuzzer: one HTTP request in, the server's edge rules and handlers behind
// it (every route, the static files, the error paths), on a scratch league
// in a temporary folder. Whatever the bytes, an answer is written and nothing
// throws out of the server. The answer is checked to be an HTTP response.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "auth.h"
#include "database.h"
#include "http_edge.h"
#include "server.h"

namespace {

using namespace pw::server;

// The request's bytes in, the answer's bytes out.
class BytesStream : public httplib::Stream {
 public:
  explicit BytesStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return -1; }
  std::string out;

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

class FuzzServer : public EdgeServer {
 public:
  using EdgeServer::EdgeServer;
  using EdgeServer::process_request;
};

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("pitwall-fuzz-http-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "models");
    ServerConfig config;
    config.data_dir = dir.string();
    config.public_dir = PITWALL_PUBLIC_DIR;
    config.signin_per_minute = config.register_per_hour = config.writes_per_minute = 1'000'000'000;
    config.hash_concurrency = 1;
    config.stream_lifetime_s = 0;  // a live stream says hello and ends: no waiting in a fuzzer
    InitCrypto();
    league = std::make_unique<League>(config);
    std::string error;
    if (!league->OpenSealer(error)) throw std::runtime_error(error);
    Migrate(league->db());
    http = std::make_unique<FuzzServer>(EdgeLimits{});
    api = std::make_unique<Api>(*http, *league);
    InstallHttp(*http, *api);
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::unique_ptr<League> league;
  std::unique_ptr<FuzzServer> http;
  std::unique_ptr<Api> api;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  BytesStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  bool closed = false;
  fixture.http->process_request(stream, "127.0.0.1", 40000, "127.0.0.1", 8080, true, closed, [](httplib::Request& req) {
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) req.set_header("Content-Length", "0");
  });
  if (!stream.out.empty() && stream.out.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  return 0;
}
