#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

#include "app/cli/command.h"
#include "core/io/error.h"
#include "core/version.h"

int main(int argc, char** argv) {
    CLI::App app{
        "abc-photos-cli: search photo folders with natural language using ABC embeddings.\n"
        "The same engine as the ABC Photos desktop application, without a GUI."};
    app.set_version_flag("--version", std::string("abc-photos-cli ") + abc::kVersion);
    app.require_subcommand(0, 1);
    app.fallthrough(false);

    int exitCode = 0;
    for (const auto registrar : abc::cli::allCommands()) {
        registrar(app, exitCode);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
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
