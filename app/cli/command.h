#pragma once

namespace CLI {
class App;
}

namespace abc::cli {

// Each subcommand lives in its own file and registers itself on the parser. The callback it
// installs runs the command and sets the process exit code through `exitCode`.
using Registrar = void (*)(CLI::App& app, int& exitCode);

// Registers every subcommand in the order `--help` lists them: the commands for a photo
// library first, then the developer commands (tokenizer, preprocessing, benchmarks, parity).
void registerAllCommands(CLI::App& app, int& exitCode);

}  // namespace abc::cli
