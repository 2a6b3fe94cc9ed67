#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace abc::cli {

// Each subcommand lives in its own file and registers itself on the parser. The callback it
// installs runs the command and sets the process exit code through `exitCode`.
using Registrar = void (*)(CLI::App& app, int& exitCode);

// The subcommands in the order `--help` lists them.
const std::vector<Registrar>& allCommands();

}  // namespace abc::cli
