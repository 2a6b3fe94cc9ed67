#include "core/library/index_record_phase.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/io/error.h"
#include "core/io/time_limit.h"
#include "core/library/file_record_batch.h"
#include "core/library/index_compare_phase.h"
#include "core/library/index_run.h"
#include "core/library/library_store.h"
#include "core/library/ordered_parallel.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_indexer.h"

namespace abc {

namespace {

// A worker's reading of one file.
struct HashedFile {
    PhotoFacts facts;
    bool probed = false;     // probe() ran (the content looked new to the worker)
    std::string hashError;   // the file could not be read
    std::string probeError;  // counts only if the content is still new when recorded
    std::exception_ptr unexpected;
};

// On a worker thread: must not throw (forEachOrdered's contract), so failures travel in the
// result.
HashedFile hashAndProbe(const ScannedFile& scanned, LibraryStore& store,
                        const PhotoDecoder& decoder) {
    HashedFile out;
    const std::string& path = scanned.file.path;
    try {
        // On a thread of its own, bounded like the decoder's reads: a share that stops
        // answering costs this file its time limit, not the run.
        auto hash = std::make_shared<std::string>();
        runWithTimeLimit([path = std::string(path), hash] { *hash = hashFileContent(path); },
                         decoder.timeLimit(), path, "reading");
        out.facts.contentHash = std::move(*hash);
        out.facts.mediaType = scanned.mediaType;
        if (!store.photoByHash(out.facts.contentHash)) {
            out.probed = true;
            try {
                decoder.probe(path, out.facts);
            } catch (const Error& e) {
                out.probeError = e.problem();
            }
        }
    } catch (const Error& e) {
        out.hashError = e.problem();
    } catch (...) {
        out.unexpected = std::current_exception();
    }
    return out;
}

// On the run's thread, in scan order: writes one file's record (or failure) into `records`.
class FileRecorder {
  public:
    FileRecorder(LibraryStore& store, const PhotoDecoder& decoder,
                 const StoreComparison& comparison, FileRecordBatch& records, IndexRun& run)
        : store_(store), decoder_(decoder), comparison_(comparison), records_(records), run_(run) {}

    // false once the run is stopped.
    bool record(const ScannedFile& scanned, HashedFile& hashed) {
        commitIfPaused(records_, run_);
        if (!run_.holdWhilePaused()) {
            run_.summary.cancelled = true;
            return false;
        }
        const bool knownPath = comparison_.recorded.contains(scanned.file.path);
        KnownContent known;
        std::optional<std::string> problem;
        try {
            known = checkContent(scanned, hashed);
        } catch (const Error& e) {
            problem = e.problem();
        }
        // Outside the try: a store that cannot commit the batch stops the run (as a vector
        // batch does), it does not turn the file into a failure.
        IndexSummary& summary = run_.summary;
        if (problem) {
            records_.recordFailure(scanned.file, *problem);
            summary.failures.push_back({scanned.file.path, *problem});
            ++summary.failed;
            ++run_.progress.failed;
        } else {
            records_.recordFile(scanned.file, hashed.facts);
            if (knownPath) {
                ++summary.changed;
            } else if (known.photo) {
                run_.contentAtNewPaths.insert(*known.photo);
            } else if (known.pendingInThisRun) {
                ++summary.copied;  // the same new content twice: neither is a move
            } else {
                ++summary.added;
            }
        }
        IndexProgress& progress = run_.progress;
        ++progress.done;
        const double elapsed = run_.activeSeconds();
        if (elapsed > 0) {
            progress.photosPerSecond = progress.done / elapsed;
            progress.etaSeconds = (progress.total - progress.done) / progress.photosPerSecond;
        }
        if (progress.done % 64 == 0) {
            run_.report();
        }
        return true;
    }

    // A pause commits what is pending before anything parks, so the store holds every file
    // counted as done while the indexer waits.
    static void commitIfPaused(FileRecordBatch& records, const IndexRun& run) {
        if (run.isPaused()) {
            records.commit();
        }
    }

  private:
    struct KnownContent {
        std::optional<PhotoId> photo;   // a photo the store holds
        bool pendingInThisRun = false;  // a new content an earlier file of this run showed
    };

    // Whether the store (or the pending batch) already knows the file's content; throws
    // abc::Error when the file could not be read or, as a new content, probed.
    KnownContent checkContent(const ScannedFile& scanned, HashedFile& hashed) const {
        if (hashed.unexpected) {
            std::rethrow_exception(hashed.unexpected);
        }
        if (!hashed.hashError.empty()) {
            throw Error(scanned.file.path, hashed.hashError);
        }
        KnownContent known;
        known.photo = store_.photoByHash(hashed.facts.contentHash);
        known.pendingInThisRun = !known.photo && records_.pendingContent(hashed.facts.contentHash);
        if (!known.photo && !known.pendingInThisRun) {
            if (!hashed.probed) {  // the content was removed meanwhile (another process)
                decoder_.probe(scanned.file.path, hashed.facts);
            } else if (!hashed.probeError.empty()) {
                throw Error(scanned.file.path, hashed.probeError);
            }
        }
        return known;
    }

    LibraryStore& store_;
    const PhotoDecoder& decoder_;
    const StoreComparison& comparison_;
    FileRecordBatch& records_;
    IndexRun& run_;
};

int hashThreadCount(const IndexOptions& options) {
    if (options.hashThreads > 0) {
        return options.hashThreads;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

void recordChangedFiles(LibraryStore& store, const PhotoDecoder& decoder,
                        const StoreComparison& comparison, const IndexOptions& options,
                        IndexRun& run) {
    const auto& toRead = comparison.toRead;
    run.startPhase(IndexProgress::Phase::Hashing, toRead.size());
    run.report();
    FileRecordBatch records(store, options.maxRecordBatchFiles,
                            std::chrono::milliseconds(options.maxRecordBatchMs));
    FileRecorder recorder(store, decoder, comparison, records, run);
    const int threads = hashThreadCount(options);
    const std::function<HashedFile(std::size_t)> hashOne = [&](std::size_t i) {
        return hashAndProbe(*toRead[i], store, decoder);
    };
    const std::function<bool(std::size_t, HashedFile&)> recordOne =
        [&](std::size_t i, HashedFile& hashed) { return recorder.record(*toRead[i], hashed); };
    // The writer may be waiting for the very file a worker is about to park on, so the worker
    // commits what is pending too.
    const std::function<bool()> beforeHash = [&] {
        // On a worker thread, where an exception would end the process: a failed commit
        // (busy, disk full) leaves the records pending, and the writer's commit below
        // reports it.
        try {
            FileRecorder::commitIfPaused(records, run);
        } catch (const std::exception&) {
        }
        return run.waitWhilePaused();
    };
    // A few results ahead per thread keep every worker busy; each holds one read buffer.
    forEachOrdered<HashedFile>(toRead.size(), threads, 4 * static_cast<std::size_t>(threads),
                               hashOne, recordOne, beforeHash);
    IndexSummary& summary = run.summary;
    if (!summary.cancelled) {
        for (const SkippedFile* skipped : comparison.newlySkipped) {
            records.recordFailure(skipped->file, skipped->reason);
            summary.failures.push_back({skipped->file.path, skipped->reason});
            ++summary.failed;
        }
    }
    records.commit();
    IndexProgress& progress = run.progress;
    if (run.stopRequested() && progress.done < progress.total) {
        summary.cancelled = true;
    }
    if (!toRead.empty()) {
        // The phase's rate includes its last commit.
        const double elapsed = run.activeSeconds();
        progress.photosPerSecond = elapsed > 0 ? progress.done / elapsed : 0.0;
        progress.etaSeconds = progress.done == progress.total ? 0.0 : -1.0;
        run.report();
    }
}

}  // namespace abc
