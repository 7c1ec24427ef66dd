#include "server.h"

#include <httplib.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api.h"
#include "auth.h"
#include "database.h"
#include "evaluator.h"
#include "seed.h"

namespace pw::server {

void CollectModelFiles(League& league);

int RunServer(const ServerConfig& given) {
  ServerConfig config = given;
  if (config.workers <= 0) config.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir + "/models", ec);
  if (ec) {
    std::fprintf(stderr, "pitwall serve: cannot create %s: %s\n", config.data_dir.c_str(), ec.message().c_str());
    return 2;
  }
  InitCrypto();
  League league(config);
  {
    SQLite::Database& db = league.db();
    const int version = Migrate(db);
    const int requeued = RequeueInterrupted(db);
    std::printf("pitwall: database %s (schema %d)%s\n", league.db_path().c_str(), version,
                requeued ? (", re-queued " + std::to_string(requeued) + " interrupted evaluation(s)").c_str() : "");
    CollectModelFiles(league);
  }
  if (config.seed_demo) SeedDemo(league);

  // Stop cleanly on SIGINT/SIGTERM: a thread waits for them (handlers would not be async-signal-safe).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server http;
  http.set_tcp_nodelay(true);  // without it a JSON GET runs at ~300 req/s (Nagle + delayed ACK)
  http.new_task_queue = [threads = config.http_threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // Keep connections: Debian's cpp-httplib listens with a backlog of 5, so every
  // reconnect under load risks a dropped SYN and a one-second retry.
  http.set_keep_alive_max_count(1000000);
  http.set_keep_alive_timeout(30);
  http.set_payload_max_length(12u * 1024u * 1024u);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  Api api(http, league);
  AddAllRoutes(api);
  // The browser app's routes all load its shell; invitation pages must never
  // leak the link's token in a Referer header.
  const std::string shell = config.public_dir + "/index.html";
  auto serve_shell = [shell](const httplib::Request& req, httplib::Response& res) {
    std::ifstream in(shell, std::ios::binary);
    std::ostringstream page;
    page << in.rdbuf();
    if (page.str().empty()) return Problem(res, 404, "not-found", "No app", "this server has no public/index.html");
    if (req.path.rfind("/join/", 0) == 0) res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(page.str(), "text/html; charset=utf-8");
  };
  http.Get(R"(/join/[A-Za-z0-9_-]*)", serve_shell);
  // The iframe form of the embeddable leaderboard: only for leaderboards anyone may see.
  const std::string embed_page = config.public_dir + "/embed.html";
  http.Get(R"(/embed/races/([0-9]+)/leaderboard)", [&league, embed_page](const httplib::Request& req, httplib::Response& res) {
    int64_t race_id = 0;
    try {
      race_id = std::stoll(req.matches[1].str());
    } catch (...) {
    }
    const auto race = league.Race(race_id);
    if (!race || !league.CanViewLeaderboard(*race, 0)) {
      res.status = 404;
      res.set_content("<!doctype html><p>This leaderboard is not public.</p>", "text/html; charset=utf-8");
      return;
    }
    std::ifstream in(embed_page, std::ios::binary);
    std::ostringstream page;
    page << in.rdbuf();
    res.set_header("Cache-Control", "public, max-age=300");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_content(page.str(), "text/html; charset=utf-8");
  });
  http.Get(R"(/races/[0-9]+)", serve_shell);
  http.Get(R"(/(garage|organiser|account))", serve_shell);
  // CORS preflight for the public GETs (If-None-Match is not a simple header).
  http.Options(R"(/api/v1/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "GET, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "If-None-Match");
    res.set_header("Access-Control-Max-Age", "86400");
    res.status = 204;
  });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) Problem(res, 404, "not-found", "Not found", "nothing at " + req.method + " " + req.path);
    else if (res.status == 413)
      Problem(res, 413, "too-large", "Request too large",
              "the request body is over the server's limit (form-encoded bodies: 8 KB; send JSON as application/json and "
              "models as application/octet-stream)");
    else if (res.status == 405) Problem(res, 405, "method-not-allowed", "Method not allowed", req.method + " is not allowed on " + req.path);
    else if (res.status >= 400) Problem(res, res.status, "http-error", "HTTP error", "the request could not be served");
  });
  if (!config.app_dir.empty() && std::filesystem::is_directory(config.app_dir)) http.set_mount_point("/", config.app_dir);
  if (!config.public_dir.empty() && std::filesystem::is_directory(config.public_dir)) http.set_mount_point("/", config.public_dir);

  int port = config.port;
  if (port == 0) {
    port = http.bind_to_any_port(config.host);
  } else if (!http.bind_to_port(config.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::fprintf(stderr, "pitwall serve: cannot listen on %s:%d\n", config.host.c_str(), config.port);
    return 2;
  }
  Evaluator evaluator(league);
  evaluator.Start(config.workers);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    league.stopping = true;
    league.events().Shutdown();
    http.stop();
  });
  std::printf("pitwall: serving on http://%s:%d (%d evaluation worker%s)\n", config.host.c_str(), port, config.workers,
              config.workers == 1 ? "" : "s");
  std::fflush(stdout);
  http.listen_after_bind();
  evaluator.Stop();
  if (!league.stopping) {  // listen failed without a signal: wake the waiter
    league.stopping = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  std::printf("pitwall: stopped\n");
  return 0;
}

}  // namespace pw::server
