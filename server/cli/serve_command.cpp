// pitwall serve: the league server. pitwall admin: operator tasks on its database.
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.h"
#include "database.h"
#include "server.h"

namespace pw::cli {

Run AddServeCommand(CLI::App& app) {
  auto config = std::make_shared<server::ServerConfig>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the Pitwall server (API, evaluations, live leaderboards, the browser app)");
  cmd->add_option("--port", config->port, "TCP port (0 picks a free one)")->check(CLI::Range(0, 65535));
  cmd->add_option("--host", config->host, "address to listen on");
  cmd->add_option("--data", config->data_dir, "folder for the SQLite database and stored models");
  cmd->add_option("--workers", config->workers, "evaluation workers (default: the number of cores)")->check(CLI::Range(0, 64));
  cmd->add_option("--max-streams", config->max_streams, "concurrent live-update streams")->check(CLI::Range(1, 1000));
  cmd->add_option("--public", config->public_dir, "static files to serve (public/)");
  cmd->add_option("--invite-attempts", config->invite_attempts_per_minute, "invitation look-ups allowed per client per minute")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--app", config->app_dir, "the browser app's build folder");
  cmd->add_option("--step-budget-ms", config->step_budget_us, "per-step inference budget in ms")
      ->check(CLI::Range(1, 10000))
      ->transform([](std::string v) { return std::to_string(std::stoll(v) * 1000); });
  auto no_demo = std::make_shared<bool>(false);
  cmd->add_flag("--no-demo", *no_demo, "do not seed the demo race on first start");
  return [config, no_demo]() {
    config->seed_demo = !*no_demo;
    return server::RunServer(*config);
  };
}

Run AddAdminCommand(CLI::App& app) {
  struct Options {
    std::string alias, data = "./data";
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("admin", "Operator tasks on a server's database");
  cmd->require_subcommand(1);
  CLI::App* grant = cmd->add_subcommand("grant", "Make a racer an admin");
  grant->add_option("alias", o->alias, "the racer's alias")->required();
  grant->add_option("--data", o->data, "the server's data folder");
  return [o]() {
    const std::string path = o->data + "/pitwall.db";
    if (!std::filesystem::exists(path)) {
      std::fprintf(stderr, "pitwall admin grant: no database at %s\n", path.c_str());
      return 2;
    }
    auto db = server::OpenDatabase(path);
    server::Migrate(*db);
    SQLite::Statement q(*db, "UPDATE racers SET role = 'admin' WHERE alias_key = lower(?) AND is_demo = 0");
    q.bind(1, o->alias);
    if (q.exec() != 1) {
      std::fprintf(stderr, "pitwall admin grant: no racer '%s'\n", o->alias.c_str());
      return 1;
    }
    std::printf("%s is now an admin\n", o->alias.c_str());
    return 0;
  };
}

}  // namespace pw::cli
