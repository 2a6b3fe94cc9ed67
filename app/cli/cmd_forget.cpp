#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "core/io/path.h"
#include "core/library/library_store.h"

namespace abc::cli {

// `forget`: removes a folder and everything indexed under it (the photos stay on disk).
void registerForget(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("forget", "Remove a folder and its vectors from the library");
    auto database = std::make_shared<std::string>();
    auto folder = std::make_shared<std::string>();
    addDatabaseOption(*cmd, *database);
    cmd->add_option("FOLDER", *folder, "The folder to forget")->type_name("FOLDER")->required();
    cmd->callback([database, folder, &exitCode]() {
        LibraryStore store(existingLibraryPath(*database));
        const std::string path = Path::absolute(*folder).string();
        const std::size_t removed = store.forgetFolder(path);
        std::cout << "forgot " << removed << " file(s) under " << path << "\n";
        exitCode = 0;
    });
}

}  // namespace abc::cli
