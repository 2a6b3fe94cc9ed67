#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/vector_set_check.h"
#include "core/library/library_store.h"
#include "core/library/near_duplicates.h"
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

struct ListedPair {
    std::string first;
    std::string second;
    float similarity = 0.0f;
    bool identical = false;  // the same file content under two paths
};

}  // namespace

// `duplicates`: files with the same content, then pairs of near-identical photos by the
// cosine of their vectors.
void registerDuplicates(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("duplicates", "List near-duplicate photo pairs");
    auto command = std::make_shared<DuplicatesCommand>();
    addDatabaseOption(*cmd, command->database);
    addModelOptions(*cmd, command->model);
    cmd->add_option("--threshold", command->threshold, "Minimum cosine similarity")
        ->check(CLI::Range(-1.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--max", command->max, "At most this many pairs")->capture_default_str();
    cmd->add_flag("--json", command->json,
                  "JSON list of {\"first\", \"second\", \"similarity\", \"identical\"}");
    cmd->callback([command, &exitCode]() {
        LibraryStore store(existingLibraryPath(command->database));
        // Byte-identical copies are one photo with several paths, so the vectors never pair
        // them: they are listed first, from the files table, as similarity 1.
        std::vector<ListedPair> pairs;
        for (auto& copy : identicalCopies(store.allPhotos(), command->max)) {
            pairs.push_back({std::move(copy.original), std::move(copy.copy), 1.0f, true});
        }
        if (pairs.size() < command->max) {
            // Only the fingerprint is needed, but it comes from the loaded model's settings.
            const LoadedModel model = loadModel(command->model);
            requireVectorsFor(store, model.embedder->fingerprint());
            // One scan and exit: building an approximate index would be wasted work.
            PhotoSearchOptions once;
            once.approximateIndexRows = 0;
            PhotoSearch search(store, *model.embedder, *model.decoder, once);
            for (const auto& pair :
                 search.nearDuplicates(command->threshold, command->max - pairs.size())) {
                pairs.push_back({pair.first.path, pair.second.path, pair.similarity, false});
            }
        }
        if (command->json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& pair : pairs) {
                out.push_back({{"first", pair.first},
                               {"second", pair.second},
                               {"similarity", pair.similarity},
                               {"identical", pair.identical}});
            }
            std::cout << out.dump(2) << "\n";
        } else {
            for (const auto& pair : pairs) {
                std::printf("%.4f  %s  %s%s\n", pair.similarity, pair.first.c_str(),
                            pair.second.c_str(), pair.identical ? "  (identical copy)" : "");
            }
            if (pairs.empty()) {
                std::printf("no duplicates at similarity %.2f or above\n", command->threshold);
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
