#include "core/library/photo_indexer.h"

#include <chrono>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/index_compare_phase.h"
#include "core/library/index_embed_phase.h"
#include "core/library/index_forget_phase.h"
#include "core/library/index_record_phase.h"
#include "core/library/index_run.h"
#include "core/library/index_scan_phase.h"
#include "core/library/photo_embedder.h"

namespace abc {

namespace {

// A folder that cannot be made absolute is passed on as given: the scan reports it as out
// of reach, like any other folder it cannot read (and the store refuses an empty one rather
// than take it for every folder).
std::string normalFolder(const std::string& folder) {
    try {
        return Path::absolute(folder).string();
    } catch (const Error&) {
        return folder;
    }
}

}  // namespace

PhotoIndexer::PhotoIndexer(LibraryStore& store, PhotoEmbedder& embedder,
                           const PhotoDecoder& decoder)
    : store_(store), embedder_(embedder), decoder_(decoder) {
    adoptFormerFingerprints(store_, embedder_);
}

IndexSummary PhotoIndexer::run(const IndexOptions& options,
                               const std::function<void(const IndexProgress&)>& onProgress,
                               std::stop_token stop) {
    const auto started = std::chrono::steady_clock::now();
    IndexRun run(pause_, std::move(stop), onProgress);
    std::vector<std::string> folders;
    for (const auto& folder : options.folders) {
        folders.push_back(normalFolder(folder));
    }
    ScanPhaseResult scanned = scanPhase(store_, folders, options.scan, options.recordFolders, run);
    const StoreComparison comparison = compareWithStore(
        store_, folders, scanned.scan, options.retryFailed, scanned.reach, run.summary);
    recordChangedFiles(store_, decoder_, comparison, options, run);
    if (!run.summary.cancelled) {
        forgetGoneFiles(store_, folders, comparison, scanned.reach, run);
    } else {
        countUnmatchedAsCopies(run);
    }
    embedMissingPhotos(store_, embedder_, decoder_, scanned.reach, options, run);
    IndexSummary& summary = run.summary;
    summary.cancelled =
        summary.cancelled || (run.stopRequested() && run.progress.done < run.progress.total);
    run.progress.phase = IndexProgress::Phase::Finished;
    run.report();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace abc
