// pitwall migrate: moves a whole league from one database to another (SQLite to
// PostgreSQL when it outgrows one machine, or back), row for row with the same
// ids. Both are brought to the current schema first; the target must be empty.
#include <cstdio>

#include "commands.h"
#include "database.h"
#include "store/league_copy.h"

namespace pw::cli {

Run AddMigrateCommand(CLI::App& app) {
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("migrate", "Move a league to another database (stop its servers first)");
  cmd->add_option("--from", *from, "the league's database: sqlite:PATH or postgresql://...")->required();
  cmd->add_option("--to", *to, "an empty database: sqlite:PATH (created) or postgresql://...")->required();
  cmd->footer("Model files and the sealing key stay in the data folder: keep it beside the new database (docs/DEPLOY.md).");
  return [from, to] {
    try {
      auto source = db::Open(*from);
      auto target = db::Open(*to);
      const int a = server::Migrate(*source), b = server::Migrate(*target);
      std::printf("from %s (schema %d) to %s (schema %d)\n", db::Redacted(*from).c_str(), a, db::Redacted(*to).c_str(), b);
      int64_t total = 0;
      server::store::CopyLeague(*source, *target, [&](const server::store::CopiedTable& t) {
        std::printf("  %-20s %lld rows\n", t.table.c_str(), static_cast<long long>(t.rows));
        total += t.rows;
      });
      std::printf("moved %lld rows: the league is in %s\n", static_cast<long long>(total), db::Redacted(*to).c_str());
      return 0;
    } catch (const db::Error& e) {
      std::fprintf(stderr, "pitwall migrate: %s (nothing was written)\n", e.what());
      return 1;
    }
  };
}

}  // namespace pw::cli
