#pragma once

#include <string>
#include <vector>

namespace abc {

class IndexRun;
class LibraryStore;
struct FolderReach;
struct StoreComparison;

// The fourth phase of an indexing run: forgets the recorded files the scan saw gone, and
// only those (nothing under a folder it could not read). Runs after the files are recorded,
// so a moved file's photo survives. Counts them in summary.removed, and tells the new paths
// that showed a known photo apart: moved when one of its old paths went, copied otherwise.
void forgetGoneFiles(LibraryStore& store, const std::vector<std::string>& folders,
                     const StoreComparison& comparison, const FolderReach& reach, IndexRun& run);

// Without a forget phase (a cancelled run) every new path of a known photo is a copy: the old
// paths are all still recorded.
void countUnmatchedAsCopies(IndexRun& run);

}  // namespace abc
