#include <CLI/CLI.hpp>

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
void registerModel(CLI::App& app, int& exitCode);
void registerTags(CLI::App& app, int& exitCode);
void registerEval(CLI::App& app, int& exitCode);
void registerManual(CLI::App& app, int& exitCode);

namespace {

constexpr const char* kUserCommands = "Commands";
constexpr const char* kDeveloperCommands = "Developer commands";

struct Entry {
    Registrar registrar;
    const char* group;
};

}  // namespace

void registerAllCommands(CLI::App& app, int& exitCode) {
    static const Entry commands[] = {
        {&registerIndex, kUserCommands},
        {&registerSearch, kUserCommands},
        {&registerStatus, kUserCommands},
        {&registerDuplicates, kUserCommands},
        {&registerForget, kUserCommands},
        {&registerCompare, kUserCommands},
        {&registerTags, kUserCommands},
        {&registerEval, kUserCommands},
        {&registerEmbed, kUserCommands},
        {&registerInfo, kUserCommands},
        {&registerModel, kUserCommands},
        {&registerTokenize, kDeveloperCommands},
        {&registerPreprocess, kDeveloperCommands},
        {&registerBench, kDeveloperCommands},
        {&registerBenchLibrary, kDeveloperCommands},
        {&registerVerify, kDeveloperCommands},
        // Hidden (empty group): writes the man page and shell completions from these definitions.
        {&registerManual, ""},
    };
    for (const auto& command : commands) {
        command.registrar(app, exitCode);
        app.get_subcommands({}).back()->group(command.group);
    }
}

}  // namespace abc::cli
