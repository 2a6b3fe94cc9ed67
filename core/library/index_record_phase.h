#pragma once

namespace abc {

class IndexRun;
class LibraryStore;
class PhotoDecoder;
struct IndexOptions;
struct StoreComparison;

// The third phase of an indexing run: hashes and probes the new and changed files on a pool
// of threads and records them (a known content keeps its vectors) in groups of one
// transaction each. Results are recorded in scan order, so the store ends up exactly as a
// one-thread loop would leave it (same photo ids, same counts). Counts added, changed, moved
// and failed files in run.summary; a stop ends it after the file in hand, with what was
// recorded committed.
void recordChangedFiles(LibraryStore& store, const PhotoDecoder& decoder,
                        const StoreComparison& comparison, const IndexOptions& options,
                        IndexRun& run);

}  // namespace abc
