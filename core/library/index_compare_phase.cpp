#include "core/library/index_compare_phase.h"

#include <algorithm>
#include <filesystem>

#include "core/io/path.h"
#include "core/library/index_scan_phase.h"
#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"

namespace abc {

namespace {

// A user who really emptied a folder uses `forget`; an empty root with files on record reads
// like a drive that is not mounted.
void markEmptyRootsUnreachable(const std::vector<std::string>& folders,
                               const StoreComparison& comparison, FolderReach& reach,
                               IndexSummary& summary) {
    for (const auto& folder : folders) {
        if (reach.unreachableRoots.contains(folder) || !std::filesystem::is_directory(folder)) {
            continue;
        }
        std::error_code error;
        const bool empty = std::filesystem::directory_iterator(folder, error) ==
                           std::filesystem::directory_iterator();
        const Path root(folder);
        const bool hasRecords =
            std::any_of(comparison.recorded.begin(), comparison.recorded.end(),
                        [&](const auto& entry) { return root.contains(entry.first); });
        if (!error && empty && hasRecords) {
            reach.unreadable.insert(root);
            reach.unreachableRoots.insert(folder);
            summary.unreachableFolders.push_back(
                {folder, "folder is empty (a drive that is not mounted?)", 0});
        }
    }
}

}  // namespace

StoreComparison compareWithStore(LibraryStore& store, const std::vector<std::string>& folders,
                                 const ScanReport& scan, bool retryFailed, FolderReach& reach,
                                 IndexSummary& summary) {
    StoreComparison comparison;
    for (const auto& folder : folders) {
        for (auto& entry : store.filesUnder(folder)) {
            comparison.recorded.emplace(entry.first.path, std::move(entry));
        }
    }
    markEmptyRootsUnreachable(folders, comparison, reach, summary);
    for (auto& folder : summary.unreachableFolders) {
        const Path root(folder.path);
        folder.keptFiles = static_cast<std::size_t>(
            std::count_if(comparison.recorded.begin(), comparison.recorded.end(),
                          [&](const auto& entry) { return root.contains(entry.first); }));
    }
    for (const auto& scanned : scan.photos) {
        comparison.present.insert(scanned.file.path);
        const auto known = comparison.recorded.find(scanned.file.path);
        if (known != comparison.recorded.end() &&
            scanned.file.looksUnchangedFrom(known->second.first)) {
            ++summary.unchanged;
            continue;
        }
        if (!retryFailed) {
            const auto failed = store.failedFile(scanned.file.path);
            if (failed && scanned.file.looksUnchangedFrom(*failed)) {
                continue;  // failed before and unchanged: listed by failures(), not retried
            }
        }
        comparison.toRead.push_back(&scanned);
    }
    // A photo file that turned into a non-image keeps what it had, as a damaged photo does.
    for (const auto& skipped : scan.skipped) {
        comparison.present.insert(skipped.file.path);
        const auto failed = store.failedFile(skipped.file.path);
        if (!failed || !skipped.file.looksUnchangedFrom(*failed)) {
            comparison.newlySkipped.push_back(&skipped);
        }
    }
    return comparison;
}

}  // namespace abc
