#include "core/library/photo_indexer.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/io/time_limit.h"
#include "core/library/file_record_batch.h"
#include "core/library/library_store.h"
#include "core/library/ordered_parallel.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"

namespace abc {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

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

// One photo on its way to the model.
struct PreparedPhoto {
    PhotoId photo = 0;
    std::string path;
    std::shared_ptr<const ImagePatches> patches;  // null when decoding failed
    std::string error;
};

// Bounded multi-producer / single-consumer queue; the bound is the pipeline's memory cap.
class PhotoQueue {
  public:
    explicit PhotoQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

    // false when the queue was closed (cancel) while waiting for room.
    bool push(PreparedPhoto item) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
        if (closed_) {
            return false;
        }
        items_.push_back(std::move(item));
        ready_.notify_one();
        return true;
    }
    // nullopt once every producer finished and the queue is empty, or it was closed.
    std::optional<PreparedPhoto> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return closed_ || !items_.empty() || producers_ == 0; });
        if (closed_ || items_.empty()) {
            return std::nullopt;
        }
        PreparedPhoto item = std::move(items_.front());
        items_.pop_front();
        room_.notify_one();
        return item;
    }
    // Non-blocking: an item if one is waiting right now.
    std::optional<PreparedPhoto> tryPop() {
        std::lock_guard lock(mutex_);
        if (items_.empty()) {
            return std::nullopt;
        }
        PreparedPhoto item = std::move(items_.front());
        items_.pop_front();
        room_.notify_one();
        return item;
    }
    void setProducers(int count) {
        std::lock_guard lock(mutex_);
        producers_ = count;
    }
    void producerDone() {
        std::lock_guard lock(mutex_);
        --producers_;
        ready_.notify_all();
    }
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        room_.notify_all();
        ready_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<PreparedPhoto> items_;
    std::size_t capacity_;
    int producers_ = 0;
    bool closed_ = false;
};

}  // namespace

PhotoIndexer::PhotoIndexer(LibraryStore& store, PhotoEmbedder& embedder,
                           const PhotoDecoder& decoder)
    : store_(store), embedder_(embedder), decoder_(decoder) {
    adoptFormerFingerprints(store_, embedder_);
}

void PhotoIndexer::pause() {
    std::lock_guard lock(mutex_);
    if (!paused_) {
        pausedSince_ = Clock::now();
    }
    paused_ = true;
}

void PhotoIndexer::resume() {
    std::lock_guard lock(mutex_);
    if (paused_) {
        pausedTotal_ += Clock::now() - pausedSince_;
    }
    paused_ = false;
    wake_.notify_all();
}

Clock::duration PhotoIndexer::pausedSoFar() const {
    std::lock_guard lock(mutex_);
    return pausedTotal_ + (paused_ ? Clock::now() - pausedSince_ : Clock::duration{});
}

void PhotoIndexer::cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    wake_.notify_all();
}

bool PhotoIndexer::isPaused() const {
    std::lock_guard lock(mutex_);
    return paused_;
}

bool PhotoIndexer::waitWhilePaused() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return !paused_ || cancelled_; });
    return !cancelled_;
}

IndexSummary PhotoIndexer::run(const IndexOptions& options,
                               const std::function<void(const IndexProgress&)>& onProgress) {
    const auto started = Clock::now();
    cancelled_ = false;
    IndexSummary summary;
    IndexProgress progress;
    auto report = [&] {
        if (onProgress) {
            progress.paused = isPaused();
            onProgress(progress);
        }
    };
    auto fail = [&](const PhotoFile& file, const std::string& reason) {
        store_.recordFailure(file, reason);
        summary.failures.push_back({file.path, reason});
        ++summary.failed;
        ++progress.failed;
    };
    // A phase's running time without its pauses, for photos/s and the ETA.
    auto activeSecondsSince = [&](Clock::time_point start, Clock::duration pausedBefore) {
        return std::chrono::duration<double>(Clock::now() - start - (pausedSoFar() - pausedBefore))
            .count();
    };
    // On this thread (the only one that reports): parks while paused, saying so once through
    // the progress callback; false once cancelled.
    auto holdWhilePaused = [&] {
        if (isPaused()) {
            report();
        }
        return waitWhilePaused();
    };

    // 1. Scan.
    std::vector<std::string> folders;
    for (const auto& folder : options.folders) {
        folders.push_back(normalFolder(folder));
    }
    report();
    ScanReport scan = scanFolders(folders, options.scan, [&] { return !holdWhilePaused(); });
    // What is recorded under a folder the scan could not read is unknown, not gone: a drive
    // that is not mounted must not cost the library its vectors.
    std::set<Path> unreadable;
    for (const auto& folder : scan.unreadableFolders) {
        unreadable.insert(Path(folder.path));
    }
    auto unseen = [&](const std::string& path) {
        return std::any_of(unreadable.begin(), unreadable.end(),
                           [&](const Path& folder) { return folder.contains(path); });
    };
    std::set<std::string> unreachableRoots;
    for (const auto& folder : scan.unreadableFolders) {
        if (std::find(folders.begin(), folders.end(), folder.path) != folders.end() &&
            unreachableRoots.insert(folder.path).second) {
            summary.unreachableFolders.push_back({folder.path, folder.reason, 0});
        }
    }
    for (const auto& problem : scan.problems) {
        if (!unreachableRoots.contains(problem.path)) {
            summary.failures.push_back(problem);
        }
    }
    for (const auto& folder : folders) {
        if (std::filesystem::is_directory(folder)) {
            store_.addFolder(folder);
        }
    }
    summary.scanned = scan.photos.size();

    // 2. Compare with what the store knows: only new or changed files are read.
    std::map<std::string, std::pair<PhotoFile, PhotoId>> recorded;
    for (const auto& folder : folders) {
        for (auto& entry : store_.filesUnder(folder)) {
            recorded.emplace(entry.first.path, std::move(entry));
        }
    }
    // A drive that is not mounted often leaves its mount point behind as an empty folder,
    // which reads like a folder whose photos were all deleted. An empty root that has files
    // on record is taken as out of reach; a user who really emptied it uses `forget`.
    for (const auto& folder : folders) {
        if (unreachableRoots.contains(folder) || !std::filesystem::is_directory(folder)) {
            continue;
        }
        std::error_code error;
        const bool empty = std::filesystem::directory_iterator(folder, error) ==
                           std::filesystem::directory_iterator();
        const Path root(folder);
        const bool hasRecords =
            std::any_of(recorded.begin(), recorded.end(),
                        [&](const auto& entry) { return root.contains(entry.first); });
        if (!error && empty && hasRecords) {
            unreadable.insert(root);
            unreachableRoots.insert(folder);
            summary.unreachableFolders.push_back(
                {folder, "folder is empty (a drive that is not mounted?)", 0});
        }
    }
    for (auto& folder : summary.unreachableFolders) {
        const Path root(folder.path);
        folder.keptFiles = static_cast<std::size_t>(
            std::count_if(recorded.begin(), recorded.end(),
                          [&](const auto& entry) { return root.contains(entry.first); }));
    }
    std::vector<const ScannedFile*> toRead;
    std::set<std::string> present;
    for (const auto& scanned : scan.photos) {
        present.insert(scanned.file.path);
        const auto known = recorded.find(scanned.file.path);
        if (known != recorded.end() && known->second.first.sizeBytes == scanned.file.sizeBytes &&
            known->second.first.mtimeNs == scanned.file.mtimeNs) {
            ++summary.unchanged;
            continue;
        }
        if (!options.retryFailed) {
            const auto failed = store_.failedFile(scanned.file.path);
            if (failed && failed->sizeBytes == scanned.file.sizeBytes &&
                failed->mtimeNs == scanned.file.mtimeNs) {
                continue;  // failed before and unchanged: listed by failures(), not retried
            }
        }
        toRead.push_back(&scanned);
    }
    // Files that are not images are listed with their reason once, and again when they
    // change; a photo file that turned into one keeps what it had, as a damaged photo does.
    std::vector<const SkippedFile*> newlySkipped;
    for (const auto& skipped : scan.skipped) {
        present.insert(skipped.file.path);
        const auto failed = store_.failedFile(skipped.file.path);
        if (!failed || failed->sizeBytes != skipped.file.sizeBytes ||
            failed->mtimeNs != skipped.file.mtimeNs) {
            newlySkipped.push_back(&skipped);
        }
    }

    // 3. Hash and probe new and changed files; record them (a known content keeps its vectors).
    // Hashing and probing run on a pool; the results are recorded here in scan order, so the
    // store ends up exactly as a one-thread loop would leave it (same photo ids, same counts).
    progress.phase = IndexProgress::Phase::Hashing;
    progress.total = toRead.size();
    progress.done = 0;
    const auto hashStart = Clock::now();
    const auto hashPausedBefore = pausedSoFar();
    report();
    struct HashedFile {
        PhotoFacts facts;
        bool probed = false;     // probe() ran (the content looked new to the worker)
        std::string hashError;   // the file could not be read
        std::string probeError;  // counts only if the content is still new when recorded
        std::exception_ptr unexpected;
    };
    int hashThreads = options.hashThreads;
    if (hashThreads <= 0) {
        hashThreads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    }
    const std::function<HashedFile(std::size_t)> hashOne = [&](std::size_t i) {
        HashedFile out;
        const std::string& path = toRead[i]->file.path;
        try {
            // On a thread of its own, bounded like the decoder's reads: a share that stops
            // answering costs this file its time limit, not the run.
            auto hash = std::make_shared<std::string>();
            runWithTimeLimit([path = std::string(path), hash] { *hash = hashFileContent(path); },
                             decoder_.timeLimit(), path, "reading");
            out.facts.contentHash = std::move(*hash);
            out.facts.mediaType = toRead[i]->mediaType;
            if (!store_.photoByHash(out.facts.contentHash)) {
                out.probed = true;
                try {
                    decoder_.probe(path, out.facts);
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
    };
    FileRecordBatch records(store_, options.maxRecordBatchFiles,
                            std::chrono::milliseconds(options.maxRecordBatchMs));
    // A pause commits what is pending before anything parks, so the store holds every file
    // counted as done while the indexer waits.
    auto commitIfPaused = [&] {
        if (isPaused()) {
            records.commit();
        }
    };
    const std::function<bool(std::size_t, HashedFile&)> recordOne = [&](std::size_t i,
                                                                        HashedFile& hashed) {
        commitIfPaused();
        if (!holdWhilePaused()) {
            summary.cancelled = true;
            return false;
        }
        const ScannedFile* scanned = toRead[i];
        const bool knownPath = recorded.contains(scanned->file.path);
        bool knownContent = false;
        std::optional<std::string> problem;
        try {
            if (hashed.unexpected) {
                std::rethrow_exception(hashed.unexpected);
            }
            if (!hashed.hashError.empty()) {
                throw Error(scanned->file.path, hashed.hashError);
            }
            knownContent = records.pendingContent(hashed.facts.contentHash) ||
                           store_.photoByHash(hashed.facts.contentHash).has_value();
            if (!knownContent) {
                if (!hashed.probed) {  // the content was removed meanwhile (another process)
                    decoder_.probe(scanned->file.path, hashed.facts);
                } else if (!hashed.probeError.empty()) {
                    throw Error(scanned->file.path, hashed.probeError);
                }
            }
        } catch (const Error& e) {
            problem = e.problem();
        }
        // Outside the try: a store that cannot commit the batch stops the run (as a vector
        // batch does), it does not turn the file into a failure.
        if (problem) {
            records.recordFailure(scanned->file, *problem);
            summary.failures.push_back({scanned->file.path, *problem});
            ++summary.failed;
            ++progress.failed;
        } else {
            records.recordFile(scanned->file, hashed.facts);
            if (knownPath) {
                ++summary.changed;
            } else if (knownContent) {
                ++summary.moved;
            } else {
                ++summary.added;
            }
        }
        ++progress.done;
        const double elapsed = activeSecondsSince(hashStart, hashPausedBefore);
        if (elapsed > 0) {
            progress.photosPerSecond = progress.done / elapsed;
            progress.etaSeconds = (progress.total - progress.done) / progress.photosPerSecond;
        }
        if (progress.done % 64 == 0) {
            report();
        }
        return true;
    };
    // A few results ahead per thread keep every worker busy; each holds one read buffer.
    // The writer may be waiting for the very file a worker is about to park on, so the worker
    // commits what is pending too.
    forEachOrdered<HashedFile>(toRead.size(), hashThreads,
                               4 * static_cast<std::size_t>(hashThreads), hashOne, recordOne, [&] {
                                   // On a worker thread, where an exception would end the
                                   // process: a failed commit (busy, disk full) leaves the
                                   // records pending, and the writer's commit below reports it.
                                   try {
                                       commitIfPaused();
                                   } catch (const std::exception&) {
                                   }
                                   return waitWhilePaused();
                               });
    if (!summary.cancelled) {
        for (const SkippedFile* skipped : newlySkipped) {
            records.recordFailure(skipped->file, skipped->reason);
            summary.failures.push_back({skipped->file.path, skipped->reason});
            ++summary.failed;
        }
    }
    records.commit();
    if (cancelled_ && progress.done < progress.total) {
        summary.cancelled = true;
    }
    if (!toRead.empty()) {
        // The phase's rate includes its last commit.
        const double elapsed = activeSecondsSince(hashStart, hashPausedBefore);
        progress.photosPerSecond = elapsed > 0 ? progress.done / elapsed : 0.0;
        progress.etaSeconds = progress.done == progress.total ? 0.0 : -1.0;
        report();
    }

    // 4. Forget files that are gone (after recording, so a moved file's photo survives), and
    // only those the scan saw gone: nothing under a folder it could not read.
    if (!summary.cancelled) {
        std::vector<std::string> gone;
        for (const auto& [path, entry] : recorded) {
            if (!present.contains(path) && !unseen(path)) {
                gone.push_back(path);
            }
        }
        summary.removed = gone.size();
        // A file that failed on its first read (hash, probe) has a failure but no file row;
        // forgetting it with the files keeps `failures()` to files that exist.
        std::set<std::string> goneFailures;
        for (const auto& folder : folders) {
            if (unreachableRoots.contains(folder)) {
                continue;
            }
            for (const auto& failed : store_.failedFilesUnder(folder)) {
                if (!present.contains(failed.path) && !recorded.contains(failed.path) &&
                    !unseen(failed.path)) {
                    goneFailures.insert(failed.path);
                }
            }
        }
        gone.insert(gone.end(), goneFailures.begin(), goneFailures.end());
        store_.removeFiles(gone);
    }

    // 5. Embed every photo without a vector for this model: decode threads -> batcher -> model.
    const std::int64_t model = store_.modelId(embedder_.fingerprint(), embedder_.dimension());
    std::vector<std::pair<PhotoId, std::string>> work;
    // Every path of a photo (copies share one), so a photo that cannot be read is reported
    // under each of them: a copy is neither silently missing nor retried on every run.
    std::map<PhotoId, std::vector<PhotoFile>> filesOfPhoto;
    if (!summary.cancelled) {
        const auto missing = store_.photosWithoutVector(model, "");
        const std::set<PhotoId> missingSet(missing.begin(), missing.end());
        for (const auto& photo : store_.allPhotos()) {
            if (!missingSet.contains(photo.id) || photo.files.empty()) {
                continue;
            }
            // A photo seen only under folders out of reach waits for them: trying now would
            // record a failure that an unchanged file would keep once it is back.
            const auto readable =
                std::find_if(photo.files.begin(), photo.files.end(),
                             [&](const PhotoFile& file) { return !unseen(file.path); });
            if (readable == photo.files.end()) {
                continue;
            }
            // A photo whose every path failed before, unchanged, waits for --retry-failed.
            bool allFailed = !options.retryFailed;
            for (const auto& file : photo.files) {
                const auto failed = allFailed ? store_.failedFile(file.path) : std::nullopt;
                if (!failed || failed->sizeBytes != file.sizeBytes ||
                    failed->mtimeNs != file.mtimeNs) {
                    allFailed = false;
                }
            }
            if (!allFailed) {
                work.emplace_back(photo.id, readable->path);
                for (const auto& file : photo.files) {
                    if (!unseen(file.path)) {
                        filesOfPhoto[photo.id].push_back(file);
                    }
                }
            }
        }
    }
    progress.phase = IndexProgress::Phase::Embedding;
    progress.total = work.size();
    progress.done = 0;
    progress.photosPerSecond = 0;
    progress.etaSeconds = -1;
    report();

    if (!work.empty()) {
        int threads = options.decodeThreads;
        if (threads <= 0) {
            threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
        }
        threads = std::min<int>(threads, static_cast<int>(work.size()));
        PhotoQueue queue(options.maxQueuedPhotos);
        queue.setProducers(threads);
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> decoders;
        for (int t = 0; t < threads; ++t) {
            decoders.emplace_back([&] {
                for (;;) {
                    // Parks here while paused: a decoder finishes the photo in hand, no more.
                    if (!waitWhilePaused()) {
                        break;
                    }
                    const std::size_t i = next.fetch_add(1);
                    if (i >= work.size()) {
                        break;
                    }
                    PreparedPhoto item{work[i].first, work[i].second, nullptr, {}};
                    try {
                        item.patches = decoder_.preprocess(item.path);
                    } catch (const Error& e) {
                        item.error = e.problem();
                    } catch (const std::exception& e) {
                        item.error = e.what();
                    }
                    if (!queue.push(std::move(item))) {
                        break;
                    }
                }
                queue.producerDone();
            });
        }
        const auto embedStart = Clock::now();
        const auto embedPausedBefore = pausedSoFar();
        auto failPhoto = [&](const PreparedPhoto& item, const std::string& reason) {
            for (const PhotoFile& file : filesOfPhoto[item.photo]) {
                fail(file, reason);
            }
        };
        // Polled by the model between photos: a pause parks the model thread right there and a
        // cancel abandons the batch in hand (abc::Cancelled; nothing of it is committed).
        EmbedHooks hooks;
        hooks.cancelRequested = [&] { return !holdWhilePaused(); };
        auto commit = [&](std::vector<PreparedPhoto>& batch) {
            std::vector<std::shared_ptr<const ImagePatches>> images;
            for (const auto& item : batch) {
                images.push_back(item.patches);
            }
            std::vector<LibraryStore::VectorRow> rows;
            try {
                auto vectors = embedder_.embedImages(images, "", hooks);
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    rows.push_back({batch[i].photo, std::move(vectors[i])});
                }
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception&) {
                // One bad input must not cost the batch: retry one by one, record the culprit.
                for (auto& item : batch) {
                    try {
                        auto vectors = embedder_.embedImages({item.patches}, "", hooks);
                        rows.push_back({item.photo, std::move(vectors.at(0))});
                    } catch (const Cancelled&) {
                        throw;
                    } catch (const Error& e) {
                        failPhoto(item, "model: " + e.problem());
                    } catch (const std::exception& e) {
                        failPhoto(item, std::string("model: ") + e.what());
                    }
                }
            }
            store_.putVectors(model, "", rows);
            summary.embedded += rows.size();
            progress.done += batch.size();
            const double elapsed = activeSecondsSince(embedStart, embedPausedBefore);
            progress.photosPerSecond = elapsed > 0 ? progress.done / elapsed : 0.0;
            progress.etaSeconds = progress.photosPerSecond > 0
                                      ? (progress.total - progress.done) / progress.photosPerSecond
                                      : -1.0;
            batch.clear();
            report();
        };
        try {
            std::vector<PreparedPhoto> batch;
            std::int64_t batchTokens = 0;
            for (;;) {
                if (cancelled_) {
                    break;  // the batch being filled is dropped, uncommitted
                }
                if (!batch.empty()) {
                    // Fill the batch with what is ready; run it when the decoders lag behind.
                    auto item = queue.tryPop();
                    if (!item) {
                        commit(batch);
                        batchTokens = 0;
                        continue;
                    }
                    batch.push_back(std::move(*item));
                } else {
                    if (!holdWhilePaused()) {
                        break;
                    }
                    auto item = queue.pop();
                    if (!item) {
                        break;
                    }
                    batch.push_back(std::move(*item));
                }
                PreparedPhoto& last = batch.back();
                if (!last.patches) {
                    // A photo that could not be decoded is done too; say so now, or the
                    // last report of the phase could stop short of the total.
                    failPhoto(last, last.error);
                    ++progress.done;
                    report();
                    batch.pop_back();
                    continue;
                }
                batchTokens += last.patches->tokenCount();
                if (batchTokens >= options.maxBatchTokens ||
                    batch.size() >= options.maxBatchPhotos) {
                    commit(batch);
                    batchTokens = 0;
                }
            }
        } catch (const Cancelled&) {
            // Cancelled between two photos of a batch: that batch is not committed; every
            // earlier batch is, and a new run starts with exactly the photos left.
        } catch (...) {
            queue.close();
            for (auto& thread : decoders) {
                thread.join();
            }
            throw;
        }
        queue.close();
        for (auto& thread : decoders) {
            thread.join();
        }
        if (cancelled_ && progress.done < progress.total) {
            summary.cancelled = true;
        }
    }
    summary.cancelled = summary.cancelled || (cancelled_ && progress.done < progress.total);
    progress.phase = IndexProgress::Phase::Finished;
    report();
    summary.seconds = secondsSince(started);
    return summary;
}

}  // namespace abc
