#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "core/library/library_store.h"
#include "core/library/photo_search.h"

namespace abc::cli {

namespace {

struct DuplicatesCommand {
    ModelOptions model;
    std::string database;
    float threshold = 0.95f;
    std::size_t max = 1000;
    bool json = false;
};

}  // namespace

// `duplicates`: pairs of near-identical photos by the cosine of their vectors.
void registerDuplicates(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("duplicates", "List near-duplicate photo pairs");
    auto command = std::make_shared<DuplicatesCommand>();
    addDatabaseOption(*cmd, command->database);
    addModelOptions(*cmd, command->model);
    cmd->add_option("--threshold", command->threshold, "Minimum cosine similarity")
        ->check(CLI::Range(-1.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--max", command->max, "At most this many pairs")->capture_default_str();
    cmd->add_flag("--json", command->json, "JSON list of {\"first\", \"second\", \"similarity\"}");
    cmd->callback([command, &exitCode]() {
        LibraryStore store(databasePath(command->database));
        // Only the fingerprint is needed, but it comes from the loaded model's settings.
        const LoadedModel model = loadModel(command->model);
        PhotoSearch search(store, *model.embedder, *model.decoder);
        const auto pairs = search.nearDuplicates(command->threshold, command->max);
        if (command->json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& pair : pairs) {
                out.push_back({{"first", pair.first.path},
                               {"second", pair.second.path},
                               {"similarity", pair.similarity}});
            }
            std::cout << out.dump(2) << "\n";
        } else {
            for (const auto& pair : pairs) {
                std::printf("%.4f  %s  %s\n", pair.similarity, pair.first.path.c_str(),
                            pair.second.path.c_str());
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
