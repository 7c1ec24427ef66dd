#include "server.h"

#include <httplib.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api.h"
#include "auth.h"
#include "database.h"
#include "edge_policy.h"
#include "evaluator.h"
#include "http_edge.h"
#include "race_settings.h"
#include "seed.h"
#include "store/limit_store.h"
#include "store/racer_store.h"

namespace pw::server {

void CollectModelFiles(League& league);

namespace {

// Memory that bursts take is given back: large buffers (request bodies,
// models, password hashes) are mapped on their own and unmapped when freed,
// few malloc arenas, and a periodic trim (see Housekeeping).
void TuneProcess() {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_ARENA_MAX, 4);
  signal(SIGPIPE, SIG_IGN);
  // Every connection is a file descriptor: take the hard limit.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

// A fresh server has no admin: it prints a one-time token that makes a
// signed-in racer the first one (or the operator runs `pitwall admin grant`).
void OfferAdminSetup(League& league, const std::string& base_url) {
  if (store::HasAdmin(league.db())) return;
  const std::string token = NewToken();
  {
    std::lock_guard<std::mutex> lock(league.guards().mu);
    league.admin_setup_token_hash = Sha256Hex(token);
  }
  std::printf("pitwall: no admin yet. Register, sign in, then claim the admin role once with\n"
              "  curl -X POST %s/api/v1/admin/claim -H 'Authorization: Bearer <your token>' -H 'Content-Type: application/json' "
              "-d '{\"setup_token\": \"%s\"}'\n"
              "  (or run: pitwall admin grant <alias> --data %s)\n",
              base_url.c_str(), token.c_str(), league.config().data_dir.c_str());
}

// SIGINT and SIGTERM blocked in this thread and the threads it starts, for sigwait.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Expired and long-revoked sessions go; freed memory goes back to the system.
void Housekeeping(League& league) {
  int64_t last_purge = 0;
  while (!league.stopping) {
    league.WaitForWork(1000);
    malloc_trim(0);
    const int64_t now = NowMs();
    if (now - last_purge < 10 * 60 * 1000) continue;
    last_purge = now;
    try {
      store::PurgeSessions(league.db(), now, now - 24 * 3600 * 1000);
      if (league.shared_database()) store::PurgeLimits(league.db(), now - 3600 * 1000);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pitwall: purging sessions failed: %s\n", e.what());
    }
  }
}

}  // namespace

void InstallHttp(EdgeServer& http, Api& api) {
  League& league = api.league();
  const ServerConfig& config = league.config();
  InstallEdgePolicy(http, league);
  AddAllRoutes(api);
  // The browser app's routes all load its shell (public/app.html; not index.html, which the static
  // mount would serve at "/" without the no-JavaScript content); invitation pages must never leak
  // the link's token in a Referer header.
  const std::string shell = config.public_dir + "/app.html";
  auto serve_shell = [shell, &league](const httplib::Request& req, httplib::Response& res) {
    std::ifstream in(shell, std::ios::binary);
    std::ostringstream page;
    page << in.rdbuf();
    std::string html = page.str();
    if (html.empty()) return Problem(res, 404, "not-found", "No app", "this server has no public/app.html");
    if (req.path.rfind("/join/", 0) == 0) res.set_header("Referrer-Policy", "no-referrer");
    // Without JavaScript the page still shows what was asked for (races, a leaderboard).
    const std::string marker = "<!--pitwall:nojs-->";
    if (const size_t at = html.find(marker); at != std::string::npos) {
      try {
        const auto lease = league.BorrowConnection();
        html.replace(at, marker.size(), NoScriptHtml(league, req.path));
      } catch (const db::Error&) {
        html.replace(at, marker.size(), "<p>The league is busy: reload in a moment.</p>");
      }
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(html, "text/html; charset=utf-8");
  };
  http.Get("/", serve_shell);
  http.Get("/races", serve_shell);
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
  if (!config.app_dir.empty() && std::filesystem::is_directory(config.app_dir)) http.set_mount_point("/", config.app_dir);
  if (!config.public_dir.empty() && std::filesystem::is_directory(config.public_dir)) http.set_mount_point("/", config.public_dir);

}

int RunServer(const ServerConfig& given) {
  ServerConfig config = given;
  if (config.workers < 0) config.workers = 0;  // --no-workers
  else if (config.workers == 0) config.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir + "/models", ec);
  if (ec) {
    std::fprintf(stderr, "pitwall serve: cannot create %s: %s\n", config.data_dir.c_str(), ec.message().c_str());
    return 2;
  }
  InitCrypto();
  TuneProcess();
  League league(config);
  {
    std::string error;
    if (!league.OpenSealer(error)) {
      std::fprintf(stderr, "pitwall serve: %s\n", error.c_str());
      return 2;
    }
  }
  try {
    db::Connection& db = league.db();
    const int version = Migrate(db);
    const int requeued = RequeueInterrupted(db);
    std::printf("pitwall: database %s (schema %d)%s\n", db::Redacted(league.database_url()).c_str(), version,
                requeued ? (", re-queued " + std::to_string(requeued) + " interrupted evaluation(s)").c_str() : "");
    CollectModelFiles(league);
    if (config.seed_demo) SeedDemo(league);
  } catch (const db::Error& e) {
    std::fprintf(stderr, "pitwall serve: database %s: %s\n", db::Redacted(league.database_url()).c_str(), e.what());
    return 2;
  }

  // Stop cleanly on SIGINT/SIGTERM: a thread waits for them (handlers would not be async-signal-safe).
  sigset_t signals = BlockStopSignals();

  EdgeLimits limits;
  limits.workers = config.http_threads;
  limits.stream_workers = config.max_streams;
  limits.max_connections = config.max_connections;
  limits.head_timeout_ms = config.head_timeout_ms;
  limits.idle_timeout_ms = config.idle_timeout_ms;
  limits.body_timeout_ms = config.body_timeout_ms;
  limits.buffered_body_bytes = config.max_anonymous_body_bytes;
  EdgeServer http(limits);
  http.set_tcp_nodelay(true);  // without it a JSON GET runs at ~300 req/s (Nagle + delayed ACK)
  http.set_payload_max_length(std::max(config.max_json_bytes, config.max_upload_bytes));
  league.edge_stats = [&http] { return http.Stats(); };
  Api api(http, league);  // the routes refer to it: it lives as long as the server
  InstallHttp(http, api);

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
  OfferAdminSetup(league, "http://" + config.host + ":" + std::to_string(port));
  Evaluator evaluator(league);
  evaluator.Start(config.workers);
  std::thread housekeeping([&league] { Housekeeping(league); });
  // On PostgreSQL other servers and workers publish too: their events reach this server's streams.
  std::thread shared_events;
  if (league.shared_database()) shared_events = std::thread([&league] { league.FollowSharedEvents(); });
  // cpp-httplib's stop() does nothing until listen has begun: a signal that arrives between the
  // "serving on" line and the listen loop (a supervisor, or a test, stopping a server that just
  // started) would be lost and the server would listen forever. The waiter waits for the loop.
  std::atomic<bool> listen_over{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    league.stopping = true;
    league.events().Shutdown();
    while (!listen_over && !http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    http.stop();
  });
  std::printf("pitwall: serving on http://%s:%d (%d evaluation worker%s, %s)\n", config.host.c_str(), port, config.workers,
              config.workers == 1 ? "" : "s", config.sandbox ? "models sandboxed" : "models IN THE SERVER PROCESS: trusted models only");
  std::fflush(stdout);
  http.listen_after_bind();
  listen_over = true;
  evaluator.Stop();
  if (!league.stopping) {  // listen failed without a signal: wake the waiter
    league.stopping = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  league.WakeWorkers();
  housekeeping.join();
  if (shared_events.joinable()) shared_events.join();
  std::printf("pitwall: stopped\n");
  return 0;
}

int RunQueueWorker(const ServerConfig& given) {
  ServerConfig config = given;
  if (config.workers <= 0) config.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  TuneProcess();
  League league(config);
  try {
    db::Connection& db = league.db();
    const int version = Migrate(db);
    std::printf("pitwall: database %s (schema %d)\n", db::Redacted(league.database_url()).c_str(), version);
  } catch (const db::Error& e) {
    std::fprintf(stderr, "pitwall worker: database %s: %s\n", db::Redacted(league.database_url()).c_str(), e.what());
    return 2;
  }
  sigset_t signals = BlockStopSignals();
  Evaluator evaluator(league);
  evaluator.Start(config.workers);
  std::printf("pitwall: evaluating %s's queue (%d evaluation worker%s, %s, models from %s)\n", db::Redacted(league.database_url()).c_str(),
              config.workers, config.workers == 1 ? "" : "s", config.sandbox ? "models sandboxed" : "models IN THIS PROCESS: trusted models only",
              league.models_dir().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  evaluator.Stop();  // an evaluation under way finishes first (a killed worker's lease runs out instead)
  std::printf("pitwall: stopped\n");
  return 0;
}

}  // namespace pw::server
