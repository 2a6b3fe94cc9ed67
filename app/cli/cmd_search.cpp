#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/option_checks.h"
#include "app/cli/progress_printer.h"
#include "app/cli/vector_set_check.h"
#include "core/library/library_store.h"
#include "core/library/photo_search.h"

namespace abc::cli {

namespace {

struct SearchCommand {
    ModelOptions model;
    std::string database;
    std::vector<std::string> words;
    std::string instruction;
    std::size_t top = 20;
    bool json = false;
    std::vector<std::string> folders;
    std::string from;
    std::string until;
    std::vector<std::string> types;
};

void run(const SearchCommand& command, int& exitCode) {
    LibraryStore store(existingLibraryPath(command.database));
    checkDateRange(command.from, command.until);
    const std::vector<std::string> folders = libraryFoldersNamed(store, command.folders);
    const LoadedModel model = loadModel(command.model);
    // One query and exit: an exact scan answers before an approximate index could be built.
    PhotoSearchOptions once;
    once.approximateIndexRows = 0;
    PhotoSearch search(store, *model.embedder, *model.decoder, once);
    SearchRequest request;
    for (const auto& word : command.words) {
        request.query += (request.query.empty() ? "" : " ") + word;
    }
    request.instruction = command.instruction;
    request.topK = command.top;
    request.filter.folders = folders;
    if (!command.from.empty()) {
        request.filter.takenFrom = command.from;
    }
    if (!command.until.empty()) {
        request.filter.takenUntil = command.until;
    }
    request.filter.mediaTypes = command.types;
    requireVectorsFor(store, model.embedder->fingerprint());
    // Instruction mode may embed up to a hundred photos: say so on stderr, keeping stdout
    // for the results. Each instructed vector is committed, so Ctrl+C loses nothing done.
    ProgressPrinter printer;
    PhotoSearch::Progress progress;
    if (!request.instruction.empty()) {
        progress = [&printer](std::size_t done, std::size_t total) {
            printer.update("embedding with the instruction", done, total);
        };
    }
    const auto results = search.search(request, progress);
    printer.finish();
    if (command.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& result : results) {
            out.push_back({{"path", result.path}, {"score", result.score}});
        }
        std::cout << out.dump(2) << "\n";
    } else {
        for (const auto& result : results) {
            std::printf("%.4f  %s\n", result.score, result.path.c_str());
        }
        if (results.empty()) {
            std::printf("no results\n");
        }
    }
    exitCode = 0;
}

}  // namespace

// `search`: ranks the library's photos for a query (combined syntax, optional instruction).
void registerSearch(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand(
        "search", "Search the library: text, `beach + sunset - people`, `2:cat`, image:PATH");
    auto command = std::make_shared<SearchCommand>();
    addDatabaseOption(*cmd, command->database);
    addModelOptions(*cmd, command->model);
    cmd->add_option("--instruction", command->instruction,
                    "Rank photos embedded with this instruction (instruct adapter)")
        ->type_name("INSTRUCTION");
    cmd->add_option("--top", command->top, "Number of results")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_flag("--json", command->json, "JSON list of {\"path\", \"score\"}, best first");
    cmd->add_option("--folder", command->folders, "Only photos inside this folder (repeatable)")
        ->type_name("FOLDER");
    cmd->add_option("--from", command->from,
                    "Only photos taken on or after YYYY-MM-DD (or YYYY-MM, YYYY)")
        ->type_name("DATE")
        ->transform(calendarDate(RangeEnd::Start));
    cmd->add_option("--until", command->until,
                    "Only photos taken on or before YYYY-MM-DD (or YYYY-MM, YYYY)")
        ->type_name("DATE")
        ->transform(calendarDate(RangeEnd::End));
    cmd->add_option("--type", command->types,
                    "Only these types (repeatable): jpeg, heic, png, webp, gif, tiff, bmp; "
                    "extensions such as jpg, tif work too")
        ->type_name("TYPE")
        ->transform(mediaTypeSpelling());
    cmd->add_option("QUERY", command->words, "The query")->type_name("QUERY")->required();
    cmd->callback([command, &exitCode]() { run(*command, exitCode); });
}

}  // namespace abc::cli
