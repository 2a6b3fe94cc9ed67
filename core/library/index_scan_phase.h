#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/io/path.h"
#include "core/library/photo_scanner.h"

namespace abc {

class IndexRun;
class LibraryStore;

// What a run could not see. What is recorded under a folder the scan could not read is
// unknown, not gone: a drive that is not mounted must not cost the library its vectors.
struct FolderReach {
    std::set<Path> unreadable;               // every folder the scan could not read
    std::set<std::string> unreachableRoots;  // those of them the run was asked to index

    // Whether `path` lies under a folder the scan could not read.
    bool unseen(const std::string& path) const;
};

struct ScanPhaseResult {
    ScanReport scan;
    FolderReach reach;
};

// The first phase of an indexing run: walks `folders` (absolute), parking between folders
// while paused; lists the requested folders it could not read in run.summary and, when
// `recordFolders`, records the others as library folders. A stop during the walk throws
// abc::Cancelled.
ScanPhaseResult scanPhase(LibraryStore& store, const std::vector<std::string>& folders,
                          const ScanOptions& options, bool recordFolders, IndexRun& run);

}  // namespace abc
