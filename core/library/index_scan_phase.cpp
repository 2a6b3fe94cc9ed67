#include "core/library/index_scan_phase.h"

#include <algorithm>
#include <filesystem>

#include "core/library/index_run.h"
#include "core/library/library_store.h"

namespace abc {

bool FolderReach::unseen(const std::string& path) const {
    return std::any_of(unreadable.begin(), unreadable.end(),
                       [&](const Path& folder) { return folder.contains(path); });
}

ScanPhaseResult scanPhase(LibraryStore& store, const std::vector<std::string>& folders,
                          const ScanOptions& options, bool recordFolders, IndexRun& run) {
    ScanPhaseResult result;
    run.report();
    result.scan = scanFolders(folders, options, run.stopToken(), [&] { run.holdWhilePaused(); });
    FolderReach& reach = result.reach;
    for (const auto& folder : result.scan.unreadableFolders) {
        reach.unreadable.insert(Path(folder.path));
    }
    for (const auto& folder : result.scan.unreadableFolders) {
        if (std::find(folders.begin(), folders.end(), folder.path) != folders.end() &&
            reach.unreachableRoots.insert(folder.path).second) {
            run.summary.unreachableFolders.push_back({folder.path, folder.reason, 0});
        }
    }
    for (const auto& problem : result.scan.problems) {
        if (!reach.unreachableRoots.contains(problem.path)) {
            run.summary.failures.push_back(problem);
        }
    }
    for (const auto& folder : folders) {
        if (recordFolders && std::filesystem::is_directory(folder)) {
            store.addFolder(folder);
        }
    }
    run.summary.scanned = result.scan.photos.size();
    return result;
}

}  // namespace abc
