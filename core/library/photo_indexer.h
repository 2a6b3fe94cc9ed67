#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/library/pause_gate.h"
#include "core/library/photo_record.h"
#include "core/library/photo_scanner.h"

namespace abc {

class LibraryStore;
class PhotoEmbedder;
class PhotoDecoder;

struct IndexOptions {
    std::vector<std::string> folders;  // recorded as library folders, unless recordFolders is off
    // Off for a run over folders below the library's own (the folder watch's changes): they
    // are brought up to date without becoming library folders of their own.
    bool recordFolders = true;
    ScanOptions scan;
    int decodeThreads = 0;  // 0: hardware threads - 1, at least 1
    // Content hashing and probing of new files (the first scan of a large library reads every
    // byte); results are recorded in scan order whatever the count. 0: hardware threads.
    int hashThreads = 0;
    // A batch for the model holds photos until their image tokens reach this budget.
    std::int64_t maxBatchTokens = 4096;
    std::size_t maxBatchPhotos = 16;
    // Bounded queue between decoders and the model (memory cap: patches are ~4.7 KB per
    // token-row group, ~19 MB for a 1024-token photo).
    std::size_t maxQueuedPhotos = 32;
    bool retryFailed = false;  // also retry files that failed before and did not change
    // New and changed files are recorded in one transaction per this many files or this many
    // milliseconds, whichever comes first (a pause, a cancel and the end of the phase commit
    // what is pending): a killed scan loses at most one such group of file records.
    std::size_t maxRecordBatchFiles = 256;
    int maxRecordBatchMs = 200;
};

struct IndexProgress {
    enum class Phase { Scanning, Hashing, Embedding, Finished };
    Phase phase = Phase::Scanning;
    std::size_t done = 0;   // photos handled in this phase (embedded or failed)
    std::size_t total = 0;  // photos this phase has to handle
    std::size_t failed = 0;
    double photosPerSecond = 0.0;  // over the phase so far
    double etaSeconds = -1.0;      // -1 while unknown
    bool paused = false;
};

// A requested folder this run could not read at all: missing (moved away, a drive not
// mounted, a share that is down), not a folder, or not readable. What the library holds for
// it (files, photos, vectors, failures) was kept as it was.
struct UnreachableFolder {
    std::string path;  // absolute, lexically normal, as recorded
    std::string reason;
    std::size_t keptFiles = 0;  // recorded files under it, kept
};

// What a run did. Counts are files unless said otherwise.
struct IndexSummary {
    std::size_t scanned = 0;    // image files found
    std::size_t unchanged = 0;  // same path, size and mtime as recorded: not read
    std::size_t added = 0;      // new paths
    std::size_t changed = 0;    // known paths whose content changed
    std::size_t moved = 0;      // new paths of a content whose old path went (vectors reused)
    std::size_t copied = 0;     // new paths of a content still at its old path (vectors shared)
    std::size_t removed = 0;    // recorded paths no longer on disk (seen gone, never unread)
    std::size_t embedded = 0;   // photos sent through the model in this run
    std::size_t failed = 0;
    std::vector<IndexFailure> failures;  // this run's, with reasons (unreadable subfolders too)
    // Requested folders that could not be read; listed here, not in `failures`. Nothing under
    // them was removed, but the run did not bring them up to date either.
    std::vector<UnreachableFolder> unreachableFolders;
    bool cancelled = false;
    double seconds = 0.0;
};

// Keeps a library's vectors in step with its folders, in five phases (index_*_phase.h):
//   scan -> compare with the store (new/changed/moved/deleted; unchanged files are not read)
//   -> hash + probe new/changed files (recorded in groups, one transaction each) -> forget
//   the files seen gone -> embed: decode threads -> batcher by token count -> model thread
//   -> one transaction per batch.
// Every committed batch stays committed, so a run killed at any point resumes with only the
// photos that have no vector yet.
//
// Thread-safety: run() blocks and is meant for a worker thread; pause(), resume() and
// isPaused() may be called from any thread while it runs (also from the progress callback),
// and so may the stop request on the token run() was given. The progress callback is called
// on the thread that runs run(), never concurrently with itself.
class PhotoIndexer {
  public:
    PhotoIndexer(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder);

    // A stop request on `stop` ends the run after the photo in hand: the batch being embedded
    // is dropped uncommitted; every batch committed before stays, so the next run embeds
    // exactly the photos left (IndexSummary::cancelled). A stop during the folder walk throws
    // abc::Cancelled.
    IndexSummary run(const IndexOptions& options,
                     const std::function<void(const IndexProgress&)>& onProgress = {},
                     std::stop_token stop = {});

    // Honoured between two photos, within the current batch: each pipeline thread (scanner,
    // hashers, decoders, the model between the photos of a batch) finishes the file in hand
    // and then waits, using no CPU, until resume() or a stop request. The model thread
    // reports progress with `paused` set when it parks.
    void pause() { pause_.pause(); }
    void resume() { pause_.resume(); }
    bool isPaused() const { return pause_.isPaused(); }

  private:
    LibraryStore& store_;
    PhotoEmbedder& embedder_;
    const PhotoDecoder& decoder_;
    PauseGate pause_;
};

}  // namespace abc
