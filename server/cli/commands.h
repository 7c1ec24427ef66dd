// The pitwall subcommands. Each registers its options on the app and returns
// the function that runs it (exit code).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace pw::cli {

using Run = std::function<int()>;
Run AddTrialCommand(CLI::App& app);
Run AddTrackCommand(CLI::App& app);
Run AddModelCommand(CLI::App& app);
Run AddServeCommand(CLI::App& app);
Run AddAdminCommand(CLI::App& app);
Run AddWorkerCommand(CLI::App& app);
Run AddAnalyseCommand(CLI::App& app);
Run AddMigrateCommand(CLI::App& app);

}  // namespace pw::cli
