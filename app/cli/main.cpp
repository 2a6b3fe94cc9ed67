#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

#include "app/cli/command.h"
#include "app/cli/usage_error.h"
#include "core/io/error.h"
#include "core/version.h"

namespace {

// Exit statuses, as scripts expect them: 0 done, 1 an error, 2 a command line that cannot be
// run (CLI11's own codes 105-109 mean nothing to a shell), 3 a library folder out of reach
// (`index`), 130 interrupted.
constexpr int kUsageError = 2;

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "abc-photos-cli: search photo folders with natural language using ABC embeddings.\n"
        "The same engine as the ABC Photos desktop application, without a GUI.",
        "abc-photos-cli"};
    app.set_version_flag("--version", std::string("abc-photos-cli ") + abc::kVersion);
    app.require_subcommand(0, 1);
    app.fallthrough(false);

    int exitCode = 0;
    abc::cli::registerAllCommands(app, exitCode);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, the version, or the error and a hint
        return code == 0 ? 0 : kUsageError;
    } catch (const abc::cli::UsageError& e) {
        std::cerr << "abc-photos-cli: " << e.what() << "\nRun with --help for more information.\n";
        return kUsageError;
    } catch (const abc::Cancelled&) {
        std::cerr << "abc-photos-cli: cancelled\n";
        return 130;
    } catch (const std::exception& e) {
        std::cerr << "abc-photos-cli: error: " << e.what() << "\n";
        return 1;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
    }
    return exitCode;
}
