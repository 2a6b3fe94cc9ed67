#include "core/library/index_forget_phase.h"

#include <set>

#include "core/library/index_compare_phase.h"
#include "core/library/index_run.h"
#include "core/library/index_scan_phase.h"
#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"

namespace abc {

void forgetGoneFiles(LibraryStore& store, const std::vector<std::string>& folders,
                     const StoreComparison& comparison, const FolderReach& reach, IndexRun& run) {
    IndexSummary& summary = run.summary;
    std::vector<std::string> gone;
    for (const auto& [path, entry] : comparison.recorded) {
        if (!comparison.present.contains(path) && !reach.unseen(path)) {
            gone.push_back(path);
            const auto reappeared = run.contentAtNewPaths.find(entry.second);
            if (reappeared != run.contentAtNewPaths.end()) {
                run.contentAtNewPaths.erase(reappeared);
                ++summary.moved;
            }
        }
    }
    countUnmatchedAsCopies(run);
    summary.removed = gone.size();
    // A file that failed on its first read (hash, probe) has a failure but no file row;
    // forgetting it with the files keeps `failures()` to files that exist.
    std::set<std::string> goneFailures;
    for (const auto& folder : folders) {
        if (reach.unreachableRoots.contains(folder)) {
            continue;
        }
        for (const auto& failed : store.failedFilesUnder(folder)) {
            if (!comparison.present.contains(failed.path) &&
                !comparison.recorded.contains(failed.path) && !reach.unseen(failed.path)) {
                goneFailures.insert(failed.path);
            }
        }
    }
    gone.insert(gone.end(), goneFailures.begin(), goneFailures.end());
    store.removeFiles(gone);
}

void countUnmatchedAsCopies(IndexRun& run) {
    run.summary.copied += run.contentAtNewPaths.size();
    run.contentAtNewPaths.clear();
}

}  // namespace abc
