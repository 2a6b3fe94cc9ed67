#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/stored_vector_choice.h"
#include "core/library/duplicate_listing.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_search.h"
#include "core/library/stored_vector_set.h"

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
        // Stored vectors only: the model options choose the vector set, the model is never
        // loaded (a library can be checked on a machine without the checkpoint).
        std::optional<StoredVectorSet> vectors;
        std::unique_ptr<PhotoDecoder> decoder;
        std::optional<PhotoSearch> search;
        const auto pairs = listDuplicates(
            store,
            [&]() -> PhotoSearch& {
                vectors.emplace(chooseStoredVectorSet(store, command->model));
                decoder = makePhotoDecoder();
                // One scan and exit: building an approximate index would be wasted work.
                PhotoSearchOptions once;
                once.approximateIndexRows = 0;
                return search.emplace(store, *vectors, *decoder, once);
            },
            command->threshold, command->max);
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
