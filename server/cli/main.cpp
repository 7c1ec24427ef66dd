// pitwall: the command line of the Pitwall racing league.
#include <cstdio>
#include <vector>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Pitwall: a self-hosted virtual racing league for autonomous model cars"};
  app.require_subcommand(1);
  pw::cli::Run trial = pw::cli::AddTrialCommand(app);
  pw::cli::Run track = pw::cli::AddTrackCommand(app);
  pw::cli::Run model = pw::cli::AddModelCommand(app);
  pw::cli::Run serve = pw::cli::AddServeCommand(app);
  pw::cli::Run admin = pw::cli::AddAdminCommand(app);
  pw::cli::Run worker = pw::cli::AddWorkerCommand(app);
  pw::cli::Run analyse = pw::cli::AddAnalyseCommand(app);
  pw::cli::Run migrate = pw::cli::AddMigrateCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.got_subcommand("trial")) return trial();
  if (app.got_subcommand("model")) return model();
  if (app.got_subcommand("serve")) return serve();
  if (app.got_subcommand("admin")) return admin();
  if (app.got_subcommand("worker")) return worker();
  if (app.got_subcommand("analyse")) return analyse();
  if (app.got_subcommand("migrate")) return migrate();
  return track();
}
