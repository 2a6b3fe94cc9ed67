#pragma once

#include <string>
#include <vector>

namespace abc {

class LibraryStore;
struct FolderReach;
struct IndexSummary;
struct StoreComparison;

// The fourth phase of an indexing run: forgets the recorded files the scan saw gone, and
// only those (nothing under a folder it could not read). Runs after the files are recorded,
// so a moved file's photo survives. Counts them in summary.removed.
void forgetGoneFiles(LibraryStore& store, const std::vector<std::string>& folders,
                     const StoreComparison& comparison, const FolderReach& reach,
                     IndexSummary& summary);

}  // namespace abc
