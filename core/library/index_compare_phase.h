#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/library/photo_record.h"
#include "core/library/photo_scanner.h"

namespace abc {

class LibraryStore;
struct FolderReach;
struct IndexSummary;

// The scan set against what the store knows: only new or changed files are read.
struct StoreComparison {
    // Every file recorded under the run's folders, by path, with its photo.
    std::map<std::string, std::pair<PhotoFile, PhotoId>> recorded;
    std::vector<const ScannedFile*> toRead;  // new or changed image files, in scan order
    std::set<std::string> present;           // every file the scan saw, images or not
    // Files that are not images, listed with their reason once, and again when they change.
    std::vector<const SkippedFile*> newlySkipped;
};

// The second phase of an indexing run. Counts the unchanged files in `summary`; an empty
// requested folder that has files on record joins `reach` as out of reach (a drive that is not
// mounted often leaves its mount point behind as an empty folder). The result points into
// `scan`, which must outlive it.
StoreComparison compareWithStore(LibraryStore& store, const std::vector<std::string>& folders,
                                 const ScanReport& scan, bool retryFailed, FolderReach& reach,
                                 IndexSummary& summary);

}  // namespace abc
