#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <stop_token>
#include <thread>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_printer.h"
#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_scanner.h"

namespace abc::cli {

namespace {

std::atomic<bool> interrupted{false};

extern "C" void onInterrupt(int) {
    interrupted = true;
}

struct IndexCommand {
    ModelOptions model;
    std::string database;
    std::vector<std::string> folders;
    bool hidden = false;
    bool noSymlinks = false;
    bool retryFailed = false;
    int decodeThreads = 0;
    std::int64_t batchTokens = 4096;
};

// What the progress line calls each phase; Finished prints nothing (the summary follows).
const char* phaseName(IndexProgress::Phase phase) {
    switch (phase) {
        case IndexProgress::Phase::Scanning:
            return "scanning";
        case IndexProgress::Phase::Hashing:
            return "reading new files";
        case IndexProgress::Phase::Embedding:
            return "embedding";
        case IndexProgress::Phase::Finished:
            return "";
    }
    return "";
}

void printProgress(const IndexProgress& p, ProgressPrinter& printer) {
    if (p.phase == IndexProgress::Phase::Finished) {
        printer.finish();
        return;
    }
    char detail[96];
    if (p.phase == IndexProgress::Phase::Embedding) {
        std::snprintf(detail, sizeof detail, "%.1f photos/s  ETA %s%s", p.photosPerSecond,
                      clockText(p.etaSeconds).c_str(), p.paused ? " (paused)" : "");
    } else {
        detail[0] = '\0';
    }
    std::string text = detail;
    if (p.failed > 0) {
        text += (text.empty() ? "" : "  ") + std::to_string(p.failed) + " failed";
    }
    printer.update(phaseName(p.phase), p.done, p.total, text);
}

// The folders to index: those named, or else every folder the library already has.
std::vector<std::string> foldersToIndex(const IndexCommand& command, const std::string& database,
                                        LibraryStore& store) {
    if (!command.folders.empty()) {
        return command.folders;
    }
    auto folders = store.folders();
    if (folders.empty()) {
        throw Error(database,
                    "the library has no folders yet; name one to index: abc-photos-cli index "
                    "FOLDER");
    }
    std::cout << "indexing the library's " << folders.size() << " folder(s):\n";
    for (const auto& folder : folders) {
        std::cout << "  " << folder << "\n";
    }
    std::cout.flush();
    return folders;
}

void run(const IndexCommand& command, int& exitCode) {
    const std::string database = databasePath(command.database);
    std::error_code ec;
    if (command.folders.empty() && !std::filesystem::exists(database, ec)) {
        // Opening would create an empty library only to say that it is empty.
        throw Error(database,
                    "no library here yet; name a folder to index: abc-photos-cli index "
                    "FOLDER");
    }
    LibraryStore store(database);
    const std::vector<std::string> folders = foldersToIndex(command, database, store);
    const LoadedModel model = loadModel(command.model);
    PhotoIndexer indexer(store, *model.embedder, *model.decoder);
    IndexOptions options;
    options.folders = folders;
    options.scan.includeHidden = command.hidden;
    options.scan.followSymlinks = !command.noSymlinks;
    options.retryFailed = command.retryFailed;
    options.decodeThreads = command.decodeThreads;
    options.maxBatchTokens = command.batchTokens;

    // Ctrl-C cancels cleanly: the batch in flight is committed, the rest waits for next time.
    interrupted = false;
    auto previous = std::signal(SIGINT, onInterrupt);
    std::atomic<bool> finished{false};
    std::stop_source stop;
    std::thread watcher([&] {
        while (!finished) {
            if (interrupted) {
                stop.request_stop();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    ProgressPrinter printer;
    IndexSummary summary;
    try {
        summary = indexer.run(
            options, [&](const IndexProgress& p) { printProgress(p, printer); }, stop.get_token());
    } catch (...) {
        printer.finish();
        finished = true;
        watcher.join();
        std::signal(SIGINT, previous);
        throw;
    }
    finished = true;
    watcher.join();
    std::signal(SIGINT, previous);

    // This run's problems (files and folders), then files that failed in an earlier run and
    // were not tried again because they did not change: the count shown covers both lists.
    std::vector<IndexFailure> thisRun;
    const auto listed = [](const std::vector<IndexFailure>& list, const std::string& path) {
        return std::any_of(list.begin(), list.end(),
                           [&](const IndexFailure& f) { return f.path == path; });
    };
    for (const auto& failure : summary.failures) {
        if (!listed(thisRun, failure.path)) {
            thisRun.push_back(failure);
        }
    }
    std::vector<IndexFailure> earlier;
    for (const auto& failure : store.failures()) {
        if (!listed(thisRun, failure.path)) {
            earlier.push_back(failure);
        }
    }
    std::cout << "scanned " << summary.scanned << ", unchanged " << summary.unchanged << ", added "
              << summary.added << ", changed " << summary.changed << ", moved " << summary.moved
              << ", copied " << summary.copied << ", removed " << summary.removed << ", embedded "
              << summary.embedded << ", failed " << thisRun.size();
    if (!earlier.empty()) {
        std::cout << " + " << earlier.size() << " earlier";
    }
    std::cout << " (" << std::fixed << std::setprecision(1) << summary.seconds << std::defaultfloat
              << " s)\n";
    const std::size_t total = thisRun.size() + earlier.size();
    if (total > 0) {
        // Scan problems name folders (unreadable, missing, a symlink loop), not only files.
        const bool onlyFiles = thisRun.size() == summary.failed;
        std::cout << "could not index " << total << (onlyFiles ? " file(s)" : " path(s)");
        if (!earlier.empty()) {
            std::cout << " (" << earlier.size()
                      << " failed in an earlier run and did not change since; --retry-failed "
                         "tries them again)";
        }
        std::cout << ":\n";
        // Every photo that could not be read is named; files that are not photos at all
        // (sidecars, videos, documents) can be thousands, so only the first few are.
        constexpr std::size_t kNotPhotosShown = 10;
        std::size_t notPhotos = 0;
        for (const auto* list : {&thisRun, &earlier}) {
            for (const auto& failure : *list) {
                if (!isNotAPhotoReason(failure.reason)) {
                    std::cout << "  " << failure.path << ": " << failure.reason << "\n";
                }
            }
        }
        for (const auto* list : {&thisRun, &earlier}) {
            for (const auto& failure : *list) {
                if (isNotAPhotoReason(failure.reason) && notPhotos++ < kNotPhotosShown) {
                    std::cout << "  " << failure.path << ": " << failure.reason << "\n";
                }
            }
        }
        if (notPhotos > kNotPhotosShown) {
            std::cout << "  ... and " << notPhotos - kNotPhotosShown
                      << " more files that are not photos (`abc-photos-cli status` lists "
                         "every one)\n";
        }
    }
    if (!summary.unreachableFolders.empty()) {
        // Not failures of files: the folder is out of reach (moved, unmounted), and what the
        // library holds under it is kept, neither updated nor removed.
        std::cout << "could not reach " << summary.unreachableFolders.size()
                  << " folder(s); what the library holds there was kept as it was:\n";
        for (const auto& folder : summary.unreachableFolders) {
            std::cout << "  " << folder.path << ": " << folder.reason << " (" << folder.keptFiles
                      << " file(s) kept)\n";
        }
    }
    if (summary.cancelled) {
        std::cout << "cancelled; run the same command again to continue\n";
        exitCode = 130;
        return;
    }
    // Scripts (a nightly re-index) must notice a drive that was not there: distinct from a
    // model or database error (1), and the run's other folders are up to date.
    exitCode = summary.unreachableFolders.empty() ? 0 : 3;
}

}  // namespace

// `index`: brings a library's vectors up to date with its folders.
void registerIndex(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("index", "Index photo folders into the library (incremental)");
    auto command = std::make_shared<IndexCommand>();
    addDatabaseOption(*cmd, command->database);
    addModelOptions(*cmd, command->model);
    cmd->add_flag("--hidden", command->hidden, "Also index hidden files and folders");
    cmd->add_flag("--no-follow-symlinks", command->noSymlinks, "Do not follow symbolic links");
    cmd->add_flag("--retry-failed", command->retryFailed,
                  "Retry files that failed before even if unchanged");
    cmd->add_option("--decode-threads", command->decodeThreads,
                    "Image decoding threads (0: cores - 1)");
    cmd->add_option("--batch-tokens", command->batchTokens, "Image tokens per model batch")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cmd->add_option("FOLDER", command->folders,
                    "Folders to index (none: every folder already in the library)")
        ->type_name("FOLDER");
    cmd->callback([command, &exitCode]() { run(*command, exitCode); });
}

}  // namespace abc::cli
