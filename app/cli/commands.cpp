#include "app/cli/command.h"

namespace abc::cli {

void registerInfo(CLI::App& app, int& exitCode);
void registerTokenize(CLI::App& app, int& exitCode);
void registerEmbed(CLI::App& app, int& exitCode);
void registerBench(CLI::App& app, int& exitCode);
void registerPreprocess(CLI::App& app, int& exitCode);
void registerIndex(CLI::App& app, int& exitCode);
void registerSearch(CLI::App& app, int& exitCode);
void registerStatus(CLI::App& app, int& exitCode);
void registerDuplicates(CLI::App& app, int& exitCode);
void registerForget(CLI::App& app, int& exitCode);
void registerCompare(CLI::App& app, int& exitCode);
void registerBenchLibrary(CLI::App& app, int& exitCode);
void registerVerify(CLI::App& app, int& exitCode);

const std::vector<Registrar>& allCommands() {
    static const std::vector<Registrar> commands = {
        &registerInfo,
        &registerTokenize,
        &registerEmbed,
        &registerBench,
        &registerPreprocess,
        &registerIndex,
        &registerSearch,
        &registerStatus,
        &registerDuplicates,
        &registerForget,
        &registerCompare,
        &registerBenchLibrary,
        &registerVerify,
    };
    return commands;
}

}  // namespace abc::cli
