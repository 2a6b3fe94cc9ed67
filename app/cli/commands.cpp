#include "app/cli/command.h"

namespace abc::cli {

void registerInfo(CLI::App& app, int& exitCode);
void registerTokenize(CLI::App& app, int& exitCode);
void registerEmbed(CLI::App& app, int& exitCode);
void registerBench(CLI::App& app, int& exitCode);
void registerPreprocess(CLI::App& app, int& exitCode);

const std::vector<Registrar>& allCommands() {
    static const std::vector<Registrar> commands = {
        &registerInfo,
        &registerTokenize,
        &registerEmbed,
        &registerBench,
        &registerPreprocess,
    };
    return commands;
}

}  // namespace abc::cli
