#include "core/library/index_embed_phase.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/io/error.h"
#include "core/library/index_run.h"
#include "core/library/index_scan_phase.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_queue.h"

namespace abc {

namespace {

struct EmbedWork {
    std::vector<std::pair<PhotoId, std::string>> photos;  // each with a path it can be read at
    // Every readable path of a photo (copies share one), so a photo that cannot be read is
    // reported under each of them: a copy is neither silently missing nor retried on every run.
    std::map<PhotoId, std::vector<PhotoFile>> filesOfPhoto;
};

EmbedWork collectWork(LibraryStore& store, std::int64_t model, const FolderReach& reach,
                      bool retryFailed) {
    EmbedWork work;
    const auto missing = store.photosWithoutVector(model, "");
    const std::set<PhotoId> missingSet(missing.begin(), missing.end());
    for (const auto& photo : store.allPhotos()) {
        if (!missingSet.contains(photo.id) || photo.files.empty()) {
            continue;
        }
        // A photo seen only under folders out of reach waits for them: trying now would
        // record a failure that an unchanged file would keep once it is back.
        const auto readable =
            std::find_if(photo.files.begin(), photo.files.end(),
                         [&](const PhotoFile& file) { return !reach.unseen(file.path); });
        if (readable == photo.files.end()) {
            continue;
        }
        bool allFailed = !retryFailed;
        for (const auto& file : photo.files) {
            const auto failed = allFailed ? store.failedFile(file.path) : std::nullopt;
            if (!failed || !file.looksUnchangedFrom(*failed)) {
                allFailed = false;
            }
        }
        if (!allFailed) {
            work.photos.emplace_back(photo.id, readable->path);
            for (const auto& file : photo.files) {
                if (!reach.unseen(file.path)) {
                    work.filesOfPhoto[photo.id].push_back(file);
                }
            }
        }
    }
    return work;
}

// Decoder threads filling a PhotoQueue with the work's photos; joined by the destructor.
class DecoderThreads {
  public:
    DecoderThreads(const PhotoDecoder& decoder, const EmbedWork& work, int threads,
                   PhotoQueue& queue, IndexRun& run)
        : decoder_(decoder), work_(work), queue_(queue), run_(run) {
        queue_.setProducers(threads);
        for (int t = 0; t < threads; ++t) {
            threads_.emplace_back([this] { decodeUntilDone(); });
        }
    }
    ~DecoderThreads() {
        queue_.close();
        for (auto& thread : threads_) {
            thread.join();
        }
    }
    DecoderThreads(const DecoderThreads&) = delete;
    DecoderThreads& operator=(const DecoderThreads&) = delete;

  private:
    void decodeUntilDone() {
        for (;;) {
            // Parks here while paused: a decoder finishes the photo in hand, no more.
            if (!run_.waitWhilePaused()) {
                break;
            }
            const std::size_t i = next_.fetch_add(1);
            if (i >= work_.photos.size()) {
                break;
            }
            PreparedPhoto item{work_.photos[i].first, work_.photos[i].second, nullptr, {}};
            try {
                item.patches = decoder_.preprocess(item.path);
            } catch (const Error& e) {
                item.error = e.problem();
            } catch (const std::exception& e) {
                item.error = e.what();
            }
            if (!queue_.push(std::move(item))) {
                break;
            }
        }
        queue_.producerDone();
    }

    const PhotoDecoder& decoder_;
    const EmbedWork& work_;
    PhotoQueue& queue_;
    IndexRun& run_;
    std::atomic<std::size_t> next_{0};
    std::vector<std::thread> threads_;
};

// The model's side: gathers decoded photos into batches, embeds and commits each.
class BatchEmbedder {
  public:
    BatchEmbedder(LibraryStore& store, PhotoEmbedder& embedder, std::int64_t model,
                  const EmbedWork& work, const IndexOptions& options, IndexRun& run)
        : store_(store),
          embedder_(embedder),
          model_(model),
          work_(work),
          options_(options),
          run_(run) {
        // Polled by the model between photos: a pause parks the model thread right there and
        // a stop abandons the batch in hand (abc::Cancelled; nothing of it is committed).
        hooks_.beforeItem = [this] { run_.holdWhilePaused(); };
        hooks_.stop = run_.stopToken();
    }

    // Until the queue runs dry or the run is stopped; abc::Cancelled when stopped within a
    // batch.
    void embedAll(PhotoQueue& queue) {
        std::vector<PreparedPhoto> batch;
        std::int64_t batchTokens = 0;
        for (;;) {
            if (run_.stopRequested()) {
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
                if (!run_.holdWhilePaused()) {
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
                // A photo that could not be decoded is done too; say so now, or the last
                // report of the phase could stop short of the total.
                failPhoto(last, last.error);
                ++run_.progress.done;
                run_.report();
                batch.pop_back();
                continue;
            }
            batchTokens += last.patches->tokenCount();
            if (batchTokens >= options_.maxBatchTokens || batch.size() >= options_.maxBatchPhotos) {
                commit(batch);
                batchTokens = 0;
            }
        }
    }

  private:
    void failPhoto(const PreparedPhoto& item, const std::string& reason) {
        const auto files = work_.filesOfPhoto.find(item.photo);
        if (files == work_.filesOfPhoto.end()) {
            return;
        }
        IndexSummary& summary = run_.summary;
        for (const PhotoFile& file : files->second) {
            store_.recordFailure(file, reason);
            summary.failures.push_back({file.path, reason});
            ++summary.failed;
            ++run_.progress.failed;
        }
    }

    std::vector<LibraryStore::VectorRow> embed(const std::vector<PreparedPhoto>& batch) {
        std::vector<std::shared_ptr<const ImagePatches>> images;
        for (const auto& item : batch) {
            images.push_back(item.patches);
        }
        std::vector<LibraryStore::VectorRow> rows;
        try {
            auto vectors = embedder_.embedImages(images, "", hooks_);
            for (std::size_t i = 0; i < batch.size(); ++i) {
                rows.push_back({batch[i].photo, std::move(vectors[i])});
            }
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception&) {
            // One bad input must not cost the batch: retry one by one, record the culprit.
            for (const auto& item : batch) {
                try {
                    auto vectors = embedder_.embedImages({item.patches}, "", hooks_);
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
        return rows;
    }

    void commit(std::vector<PreparedPhoto>& batch) {
        const auto rows = embed(batch);
        store_.putVectors(model_, "", rows);
        run_.summary.embedded += rows.size();
        IndexProgress& progress = run_.progress;
        progress.done += batch.size();
        const double elapsed = run_.activeSeconds();
        progress.photosPerSecond = elapsed > 0 ? progress.done / elapsed : 0.0;
        progress.etaSeconds = progress.photosPerSecond > 0
                                  ? (progress.total - progress.done) / progress.photosPerSecond
                                  : -1.0;
        batch.clear();
        run_.report();
    }

    LibraryStore& store_;
    PhotoEmbedder& embedder_;
    const std::int64_t model_;
    const EmbedWork& work_;
    const IndexOptions& options_;
    IndexRun& run_;
    EmbedHooks hooks_;
};

int decoderThreadCount(const IndexOptions& options, std::size_t photos) {
    int threads = options.decodeThreads;
    if (threads <= 0) {
        threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
    }
    return std::min<int>(threads, static_cast<int>(photos));
}

}  // namespace

void embedMissingPhotos(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                        const FolderReach& reach, const IndexOptions& options, IndexRun& run) {
    const std::int64_t model = store.modelId(embedder.fingerprint(), embedder.dimension());
    EmbedWork work;
    if (!run.summary.cancelled) {
        work = collectWork(store, model, reach, options.retryFailed);
    }
    run.startPhase(IndexProgress::Phase::Embedding, work.photos.size());
    run.report();
    if (work.photos.empty()) {
        return;
    }
    PhotoQueue queue(options.maxQueuedPhotos);
    {
        const DecoderThreads decoders(decoder, work,
                                      decoderThreadCount(options, work.photos.size()), queue, run);
        try {
            BatchEmbedder(store, embedder, model, work, options, run).embedAll(queue);
        } catch (const Cancelled&) {
            // Stopped between two photos of a batch: that batch is not committed; every
            // earlier batch is, and a new run starts with exactly the photos left.
        }
    }
    if (run.stopRequested() && run.progress.done < run.progress.total) {
        run.summary.cancelled = true;
    }
}

}  // namespace abc
