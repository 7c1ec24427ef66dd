// pitwall serve: the league server. pitwall admin: operator tasks on its database.
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.h"
#include "database.h"
#include "names.h"
#include "server.h"
#include "store/racer_store.h"

namespace pw::cli {

Run AddServeCommand(CLI::App& app) {
  auto config = std::make_shared<server::ServerConfig>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the Pitwall server (API, evaluations, live leaderboards, the browser app)");
  cmd->add_option("--port", config->port, "TCP port (0 picks a free one)")->check(CLI::Range(0, 65535));
  cmd->add_option("--host", config->host, "address to listen on");
  cmd->add_option("--data", config->data_dir, "folder for the SQLite database, stored models and the sealing key");
  cmd->add_option("--database", config->database,
                  "database URL: sqlite:PATH or postgresql://user@host:port/dbname (default: sqlite:<data>/pitwall.db)");
  cmd->add_option("--workers", config->workers, "evaluation workers (default: the number of cores)")->check(CLI::Range(0, 64));
  cmd->add_option("--max-streams", config->max_streams, "concurrent live-update streams (each holds a thread)")->check(CLI::Range(1, 4096));
  cmd->add_option("--max-streams-per-client", config->max_streams_per_client, "live-update streams per client address")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--stream-lifetime", config->stream_lifetime_s, "seconds a live stream lasts before the client reconnects")
      ->check(CLI::Range(10, 86400));
  cmd->add_option("--http-threads", config->http_threads, "threads serving requests")->check(CLI::Range(2, 1024));
  cmd->add_option("--max-connections", config->max_connections, "open client connections")->check(CLI::Range(16, 1000000));
  cmd->add_option("--head-timeout-ms", config->head_timeout_ms, "time for a whole request head")->check(CLI::Range(100, 600000));
  cmd->add_option("--idle-timeout-ms", config->idle_timeout_ms, "keep-alive time between requests")->check(CLI::Range(100, 600000));
  cmd->add_option("--body-timeout-ms", config->body_timeout_ms, "time for a large request body")->check(CLI::Range(100, 3600000));
  cmd->add_option("--max-json-bytes", config->max_json_bytes, "largest JSON request body")->check(CLI::Range(1024, 1 << 30));
  cmd->add_option("--max-anonymous-body-bytes", config->max_anonymous_body_bytes, "largest body sent without a session")
      ->check(CLI::Range(1024, 1 << 24));
  cmd->add_option("--body-budget-bytes", config->body_budget_bytes, "all large bodies being read at once")->check(CLI::Range(1 << 20, 1 << 30));
  cmd->add_option("--signin-per-minute", config->signin_per_minute, "sign-in attempts per client address per minute")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--signin-free-failures", config->signin_free_failures, "wrong passwords per alias before the backoff")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--register-per-hour", config->register_per_hour, "registrations per client address per hour")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--writes-per-minute", config->writes_per_minute, "other writes per client address per minute")
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--hash-concurrency", config->hash_concurrency, "password hashes at once (0: cores - 1)")->check(CLI::Range(0, 256));
  cmd->add_option("--max-models-per-racer", config->max_models_per_racer, "models a racer may keep")->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-model-bytes-per-racer", config->max_model_bytes_per_racer, "bytes of models a racer may keep")
      ->check(CLI::Range(int64_t{1} << 20, int64_t{1} << 40));
  cmd->add_option("--max-waiting-per-racer", config->max_waiting_per_racer, "submissions a racer may have queued or evaluating")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--community-races-per-day", config->community_races_per_day, "community races a racer may create a day")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--trusted-proxy", config->trusted_proxies,
                  "address of a reverse proxy whose X-Forwarded-For names the client (repeatable)");
  cmd->add_option("--public", config->public_dir, "static files to serve (public/)");
  cmd->add_option("--invite-attempts", config->invite_attempts_per_minute, "invitation look-ups allowed per client per minute")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--app", config->app_dir, "the browser app's build folder");
  auto step_budget_ms = std::make_shared<int64_t>(config->step_budget_us / 1000);
  cmd->add_option("--step-budget-ms", *step_budget_ms, "per-step inference budget in ms")->check(CLI::Range(1, 10000));
  auto evaluation = std::make_shared<std::string>("sandboxed");
  cmd->add_option("--evaluation", *evaluation,
                  "sandboxed: each evaluation in a limited `pitwall worker` process; in-process: in the server (trusted models only)")
      ->check(CLI::IsMember({"sandboxed", "in-process"}));
  auto worker_memory_mb = std::make_shared<int64_t>(config->worker_memory_bytes >> 20);
  cmd->add_option("--worker-memory-mb", *worker_memory_mb, "address space of an evaluation worker, MiB")->check(CLI::Range(128, 1 << 20));
  cmd->add_option("--worker-cpu-seconds", config->worker_cpu_seconds, "processor time of an evaluation worker")->check(CLI::Range(1, 86400));
  auto load_timeout_s = std::make_shared<int>(config->load_timeout_ms / 1000);
  cmd->add_option("--load-timeout-s", *load_timeout_s, "time to load a model")->check(CLI::Range(1, 3600));
  auto evaluation_timeout_s = std::make_shared<int>(config->evaluation_timeout_ms / 1000);
  cmd->add_option("--evaluation-timeout-s", *evaluation_timeout_s, "time for a whole evaluation, load included")->check(CLI::Range(1, 86400));
  cmd->add_option("--database-connections", config->database_connections,
                  "PostgreSQL: connections the HTTP requests share (each evaluation thread has one more)")
      ->check(CLI::Range(1, 1000));
  auto lease_s = std::make_shared<int>(config->lease_ms / 1000);
  cmd->add_option("--lease-seconds", *lease_s,
                  "an evaluation's lease: a server or worker that stops renewing it (killed, cut off) loses the evaluation back "
                  "to the queue after this long")
      ->check(CLI::Range(2, 3600));
  auto no_workers = std::make_shared<bool>(false);
  cmd->add_flag("--no-workers", *no_workers, "evaluate nothing here (`pitwall worker --database` processes do)");
  auto no_demo = std::make_shared<bool>(false);
  cmd->add_flag("--no-demo", *no_demo, "do not seed the demo race on first start");
  return [=]() {
    config->seed_demo = !*no_demo;
    if (*no_workers) config->workers = -1;
    config->lease_ms = *lease_s * 1000;
    config->sandbox = *evaluation == "sandboxed";
    config->step_budget_us = *step_budget_ms * 1000;
    config->worker_memory_bytes = *worker_memory_mb << 20;
    config->load_timeout_ms = *load_timeout_s * 1000;
    config->evaluation_timeout_ms = *evaluation_timeout_s * 1000;
    return server::RunServer(*config);
  };
}

Run AddAdminCommand(CLI::App& app) {
  struct Options {
    std::string alias, data = "./data", database;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("admin", "Operator tasks on a server's database");
  cmd->require_subcommand(1);
  CLI::App* grant = cmd->add_subcommand("grant", "Make a racer an admin");
  grant->add_option("alias", o->alias, "the racer's alias")->required();
  grant->add_option("--data", o->data, "the server's data folder");
  grant->add_option("--database", o->database, "the server's database URL (default: sqlite:<data>/pitwall.db)");
  return [o]() {
    std::string url = o->database;
    if (url.empty()) {
      const std::string path = o->data + "/pitwall.db";
      if (!std::filesystem::exists(path)) {
        std::fprintf(stderr, "pitwall admin grant: no database at %s\n", path.c_str());
        return 2;
      }
      url = "sqlite:" + path;
    }
    try {
      auto db = db::Open(url);
      server::Migrate(*db);
      const auto racer = server::store::FindRacerByAliasKey(*db, server::AliasKey(o->alias));
      if (!racer || racer->demo) {
        std::fprintf(stderr, "pitwall admin grant: no racer '%s'\n", o->alias.c_str());
        return 1;
      }
      server::store::MakeAdmin(*db, racer->racer.id);
    } catch (const db::Error& e) {
      std::fprintf(stderr, "pitwall admin grant: %s\n", e.what());
      return 2;
    }
    std::printf("%s is now an admin\n", o->alias.c_str());
    return 0;
  };
}

}  // namespace pw::cli
