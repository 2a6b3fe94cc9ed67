#include "core/library/photo_search.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_scanner.h"
#include "core/library/vector_math.h"

namespace abc {

namespace {

// ApproximateIndex::Options::trainingRows = 0 means this many.
constexpr std::size_t kDefaultTrainingRows = 20000;
// Rows copied per lock while building: 1024 x 3584 floats are 14 MB, a few ms of copying, so a
// search waits at most that long for the builder.
constexpr std::size_t kBuildBlockRows = 1024;
// Appended rows added to a live index per lock: ~0.3 ms each (projection + graph links).
constexpr std::size_t kAddChunkRows = 64;
// A filtered search asks the index for this many candidates at least (40 per result above).
constexpr std::size_t kFilteredCandidates = 4096;

}  // namespace

struct PhotoSearch::Impl {
    LibraryStore& store;
    PhotoEmbedder& embedder;
    const PhotoDecoder& decoder;
    const PhotoSearchOptions options;
    std::recursive_mutex mutex;
    std::optional<std::int64_t> model;
    EmbeddingMatrix matrix;
    std::int64_t lastRow = 0;
    LibraryStore::LoadProgress loadProgress;
    std::optional<std::int64_t> seenVersion;
    std::unordered_map<PhotoId, PhotoRecord> photos;
    bool everyRowHasAPath = false;  // then an empty filter needs no per-row check
    SearchStats lastStats;

    // --- the approximate index; all guarded by `mutex` ---
    // Answering index, null until the first build. It re-ranks on `matrix` by photo id, so
    // deleted photos drop out of its answers by themselves.
    std::unique_ptr<ApproximateIndex> index;
    // While `index` is set, every matrix row is in exactly one of these: `indexed` (the index
    // holds its current vector) or `pending` (appended or rewritten since: scanned exactly
    // with each query until the worker adds it).
    std::unordered_set<PhotoId> indexed;
    std::unordered_set<PhotoId> pending;
    std::size_t staleRows = 0;  // index rows whose photo was deleted or rewritten since
    bool buildWanted = false;
    bool building = false;
    std::unordered_set<PhotoId> touchedDuringBuild;  // rows the running build may hold stale
    std::string buildError;
    std::size_t builds = 0;
    double lastBuildSeconds = 0.0;
    std::condition_variable_any changed;  // work for the worker, or work done
    // Last member: stopped and joined before the state it uses is destroyed.
    std::jthread worker;

    Impl(LibraryStore& s, PhotoEmbedder& e, const PhotoDecoder& d, const PhotoSearchOptions& o)
        : store(s), embedder(e), decoder(d), options(o), matrix(e.dimension()) {
        adoptFormerFingerprints(store, embedder);
    }

    void noteUpsert(PhotoId id) {
        if (building) {
            touchedDuringBuild.insert(id);
        }
        if (index) {
            if (indexed.erase(id) > 0) {
                ++staleRows;  // rewritten: the graph placed the old vector
            }
            pending.insert(id);
        }
    }

    void noteRemove(PhotoId id) {
        if (index) {
            if (indexed.erase(id) > 0) {
                ++staleRows;
            } else {
                pending.erase(id);
            }
        }
    }

    void dropIndex() {
        index.reset();
        indexed.clear();
        pending.clear();
        staleRows = 0;
    }

    // Decides what the worker should do after the matrix changed.
    void scheduleIndexWork() {
        const std::size_t threshold = options.approximateIndexRows;
        if (threshold == 0) {
            return;
        }
        const bool large = matrix.size() >= threshold;
        // A failed build is not retried (the status says why); appends still reach a live index.
        if (buildError.empty() && !building) {
            if (index && static_cast<double>(staleRows) >
                             options.rebuildFraction * static_cast<double>(index->size())) {
                if (large) {
                    buildWanted = true;
                } else {
                    dropIndex();  // shrunk below the threshold: exact, like any small library
                }
            }
            if (!index && large) {
                buildWanted = true;
            }
        }
        if (buildWanted || (index && !pending.empty())) {
            if (!worker.joinable()) {
                worker = std::jthread([this](std::stop_token stop) { work(stop); });
            }
            changed.notify_all();
        }
    }

    // Copies the rows of those `wanted` photos the matrix still holds. Takes the lock itself:
    // the builder and the duplicate scan call it without holding it.
    void fetchRows(std::span<const PhotoId> wanted, std::vector<PhotoId>& found,
                   std::vector<float>& values) {
        std::lock_guard lock(mutex);
        const auto dimension = static_cast<std::size_t>(matrix.dimension());
        found.clear();
        values.clear();
        found.reserve(wanted.size());
        values.reserve(wanted.size() * dimension);
        for (const PhotoId id : wanted) {
            const auto row = matrix.indexOf(id);
            if (row >= 0) {
                const auto vector = matrix.row(static_cast<std::size_t>(row));
                found.push_back(id);
                values.insert(values.end(), vector.begin(), vector.end());
            }
        }
    }

    void work(std::stop_token stop) {
        std::unique_lock lock(mutex);
        while (true) {
            changed.wait(lock, stop,
                         [&] { return buildWanted || (index && !building && !pending.empty()); });
            if (stop.stop_requested()) {
                return;
            }
            if (buildWanted) {
                buildWanted = false;
                runBuild(lock, stop);
            } else {
                // An exception must not leave this thread (std::terminate): a failed addition
                // (memory, FAISS) drops the index, and searches scan exactly again.
                try {
                    addPendingChunk();
                } catch (const std::exception& error) {
                    buildError = std::string("adding rows: ") + error.what();
                    dropIndex();
                }
            }
            changed.notify_all();
            // Let waiting searches in between two chunks.
            lock.unlock();
            std::this_thread::yield();
            lock.lock();
        }
    }

    // Called and returns with `lock` held; holds it only to copy rows and to swap the result in.
    void runBuild(std::unique_lock<std::recursive_mutex>& lock, const std::stop_token& stop) {
        building = true;
        touchedDuringBuild.clear();
        const auto started = std::chrono::steady_clock::now();
        try {
            std::vector<PhotoId> added;
            auto built = buildIndex(lock, stop, added);
            if (built) {
                swapIn(std::move(built), added);
                lastBuildSeconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count();
            }
        } catch (const std::exception& error) {
            if (!lock.owns_lock()) {
                lock.lock();
            }
            // Not retried: searches are exact and the status says why. A failed rebuild
            // drops the old index too, which would otherwise answer with ever more stale rows.
            buildError = error.what();
            dropIndex();
        }
        building = false;
        touchedDuringBuild.clear();
    }

    std::unique_ptr<ApproximateIndex> buildIndex(std::unique_lock<std::recursive_mutex>& lock,
                                                 const std::stop_token& stop,
                                                 std::vector<PhotoId>& added) {
        const std::vector<PhotoId> ids = matrix.ids();
        const int dimension = matrix.dimension();
        if (ids.empty()) {
            return nullptr;
        }
        std::size_t training =
            options.index.trainingRows > 0 ? options.index.trainingRows : kDefaultTrainingRows;
        training = std::min(training, ids.size());
        // An evenly spread sample: ids follow indexing order.
        std::vector<PhotoId> sampleIds(training);
        for (std::size_t i = 0; i < training; ++i) {
            sampleIds[i] = ids[i * ids.size() / training];
        }
        lock.unlock();
        std::vector<float> sample;
        std::vector<PhotoId> found;
        std::vector<float> values;
        for (std::size_t first = 0; first < training; first += kBuildBlockRows) {
            if (stop.stop_requested()) {
                lock.lock();
                return nullptr;
            }
            const std::size_t count = std::min(kBuildBlockRows, training - first);
            fetchRows(std::span<const PhotoId>(sampleIds).subspan(first, count), found, values);
            sample.insert(sample.end(), values.begin(), values.end());
        }
        if (sample.empty()) {
            lock.lock();
            return nullptr;
        }
        auto built = std::make_unique<ApproximateIndex>();
        built->train(sample, dimension, options.index);
        std::vector<float>().swap(sample);
        built->rerankOn(&matrix);
        for (std::size_t first = 0; first < ids.size(); first += kBuildBlockRows) {
            if (stop.stop_requested()) {
                lock.lock();
                return nullptr;
            }
            const std::size_t count = std::min(kBuildBlockRows, ids.size() - first);
            fetchRows(std::span<const PhotoId>(ids).subspan(first, count), found, values);
            built->add(found, values);
            added.insert(added.end(), found.begin(), found.end());
        }
        lock.lock();
        return built;
    }

    // Rows changed while building are not trusted: they go to `pending` like later appends.
    void swapIn(std::unique_ptr<ApproximateIndex> built, const std::vector<PhotoId>& added) {
        std::unordered_set<PhotoId> current;
        current.reserve(added.size());
        for (const PhotoId id : added) {
            if (matrix.indexOf(id) >= 0 && !touchedDuringBuild.contains(id)) {
                current.insert(id);
            }
        }
        std::unordered_set<PhotoId> notIndexed;
        for (const PhotoId id : matrix.ids()) {
            if (!current.contains(id)) {
                notIndexed.insert(id);
            }
        }
        staleRows = built->size() - current.size();
        index = std::move(built);
        indexed = std::move(current);
        pending = std::move(notIndexed);
        ++builds;
    }

    // With the lock held: a few ms, so searches barely wait.
    void addPendingChunk() {
        std::vector<PhotoId> chunk;
        for (auto it = pending.begin(); it != pending.end() && chunk.size() < kAddChunkRows; ++it) {
            chunk.push_back(*it);
        }
        std::sort(chunk.begin(), chunk.end());
        std::vector<PhotoId> found;
        std::vector<float> values;
        fetchRows(chunk, found, values);
        index->add(found, values);
        for (const PhotoId id : chunk) {
            pending.erase(id);
        }
        indexed.insert(found.begin(), found.end());
    }

    ApproximateIndexStatus status() const {
        ApproximateIndexStatus status;
        status.threshold = options.approximateIndexRows;
        status.vectors = matrix.size();
        status.builds = builds;
        status.lastBuildSeconds = lastBuildSeconds;
        status.error = buildError;
        if (options.approximateIndexRows == 0) {
            status.state = ApproximateIndexStatus::State::Off;
        } else if (!buildError.empty()) {
            status.state = ApproximateIndexStatus::State::Failed;
        } else if (index) {
            status.state = ApproximateIndexStatus::State::Ready;
            status.rebuilding = building || buildWanted;
        } else if (building || buildWanted) {
            status.state = ApproximateIndexStatus::State::Building;
        } else {
            status.state = ApproximateIndexStatus::State::Exact;
        }
        if (index) {
            status.indexedRows = index->size();
            status.staleRows = staleRows;
            status.pendingRows = pending.size();
        }
        return status;
    }

    bool indexSettled() const {
        return index && !building && !buildWanted && pending.empty() && buildError.empty();
    }
    bool noIndexComing() const {
        return options.approximateIndexRows == 0 || !buildError.empty() ||
               (!index && !building && !buildWanted);
    }

    // The index's answer, or nothing when fewer than k candidates survive the filter.
    std::optional<std::vector<ScoredPhoto>> approximateTopK(
        std::span<const float> query, std::size_t k, const std::function<bool(PhotoId)>& keep,
        bool filtered, SearchStats& stats) const {
        // Unfiltered: rewritten rows sit twice in the graph, so a few more cover the repeats.
        const std::size_t wanted =
            filtered ? std::max(kFilteredCandidates, 40 * k) : k + std::min(staleRows, k);
        const auto candidates = index->topK(query, wanted);
        stats.candidates = candidates.size();
        TopKHeap heap(k);
        std::unordered_set<PhotoId> seen;
        for (const auto& candidate : candidates) {
            if ((keep && !keep(candidate.photo)) || !seen.insert(candidate.photo).second) {
                continue;
            }
            heap.push(candidate);
        }
        const auto dimension = static_cast<std::size_t>(matrix.dimension());
        for (const PhotoId id : pending) {
            if (seen.contains(id) || (keep && !keep(id))) {
                continue;
            }
            const auto row = matrix.indexOf(id);
            if (row >= 0) {
                heap.push({id, dot(matrix.row(static_cast<std::size_t>(row)).data(), query.data(),
                                   dimension)});
            }
        }
        auto best = heap.take();
        if (best.size() < k) {
            return std::nullopt;
        }
        return best;
    }

    void refresh() {
        const std::int64_t version = store.dataVersion();
        if (seenVersion && *seenVersion == version) {
            return;
        }
        if (!model) {
            model = store.findModel(embedder.fingerprint());
            if (!model) {
                return;
            }
        }
        if (lastRow == 0 && matrix.size() == 0 && !index && !building) {
            // Opening the library: every vector in one read, moved into the matrix whole (one
            // upsert per row copied and shifted the matrix for each row). No index exists yet,
            // so there is nothing to note.
            StoredVectors all = store.loadVectors(*model, "", loadProgress);
            if (!all.ids.empty() && all.dimension != matrix.dimension()) {
                throw Error(store.path(), "the library's vectors have dimension " +
                                              std::to_string(all.dimension) + ", the model " +
                                              std::to_string(matrix.dimension()));
            }
            lastRow = all.lastRow;
            matrix.reset(matrix.dimension(), std::move(all.ids), std::move(all.values));
        }
        const StoredVectors added = store.vectorsAfter(*model, "", lastRow, lastRow);
        const auto dimension = static_cast<std::size_t>(matrix.dimension());
        for (std::size_t i = 0; i < added.ids.size(); ++i) {
            matrix.upsert(added.ids[i],
                          std::span<const float>(added.values.data() + i * dimension, dimension));
            noteUpsert(added.ids[i]);
        }
        const auto present = store.vectorPhotoIds(*model, "");
        if (present.size() != matrix.size()) {
            const std::vector<PhotoId> held = matrix.ids();
            for (const PhotoId id : held) {
                if (!std::binary_search(present.begin(), present.end(), id)) {
                    matrix.remove(id);
                    noteRemove(id);
                }
            }
        }
        photos.clear();
        for (auto& record : store.allPhotos()) {
            const PhotoId id = record.id;
            photos.emplace(id, std::move(record));
        }
        everyRowHasAPath = std::all_of(matrix.ids().begin(), matrix.ids().end(), [&](PhotoId id) {
            const auto found = photos.find(id);
            return found != photos.end() && !found->second.files.empty();
        });
        // Only once everything above succeeded: a load that throws midway is redone by the
        // next search instead of leaving removals or paths behind until the next write.
        seenVersion = version;
        scheduleIndexWork();
    }

    static bool isEmpty(const SearchFilter& filter) {
        return filter.folders.empty() && !filter.takenFrom && !filter.takenUntil &&
               filter.mediaTypes.empty();
    }

    // The path a result shows: the first one inside the filter's folders; "" if none passes.
    // `folders`: the filter's folders as Paths, made once per search rather than per row.
    std::string pathFor(PhotoId photo, const SearchFilter& filter,
                        const std::vector<Path>& folders) const {
        const auto found = photos.find(photo);
        if (found == photos.end()) {
            return {};
        }
        const PhotoRecord& record = found->second;
        if (!filter.mediaTypes.empty() &&
            std::find(filter.mediaTypes.begin(), filter.mediaTypes.end(), record.mediaType) ==
                filter.mediaTypes.end()) {
            return {};
        }
        if (filter.takenFrom || filter.takenUntil) {
            if (!record.takenAt) {
                return {};
            }
            const std::string day = record.takenAt->substr(0, 10);
            if ((filter.takenFrom && day < *filter.takenFrom) ||
                (filter.takenUntil && day > *filter.takenUntil)) {
                return {};
            }
        }
        for (const auto& file : record.files) {
            if (folders.empty()) {
                return file.path;
            }
            for (const Path& folder : folders) {
                if (folder.contains(file.path)) {
                    return file.path;
                }
            }
        }
        return {};
    }

    std::vector<SearchResult> rank(std::span<const float> query, const SearchFilter& filter,
                                   std::size_t topK) {
        const std::vector<Path> folders(filter.folders.begin(), filter.folders.end());
        std::function<bool(PhotoId)> keep;
        if (!everyRowHasAPath || !isEmpty(filter)) {
            keep = [&](PhotoId photo) { return !pathFor(photo, filter, folders).empty(); };
        }
        SearchStats stats;
        std::optional<std::vector<ScoredPhoto>> approximate;
        if (index && topK > 0) {
            approximate = approximateTopK(query, topK, keep, !isEmpty(filter), stats);
            stats.approximate = approximate.has_value();
            stats.fellBack = !stats.approximate;
        }
        const auto scored = approximate ? std::move(*approximate) : matrix.topK(query, topK, keep);
        lastStats = stats;
        std::vector<SearchResult> results;
        results.reserve(scored.size());
        for (const auto& hit : scored) {
            results.push_back({hit.photo, pathFor(hit.photo, filter, folders), hit.score});
        }
        return results;
    }

    std::vector<float> imageVector(const std::string& path, const std::string& instruction) {
        const auto patches = decoder.preprocess(path);
        return embedder.embedImages({patches}, instruction).at(0);
    }

    std::vector<float> queryVector(const std::vector<QueryTerm>& terms) {
        std::vector<float> sum(static_cast<std::size_t>(embedder.dimension()), 0.0f);
        for (const auto& term : terms) {
            std::vector<float> vector;
            if (term.kind == QueryTerm::Kind::Text) {
                vector = embedder.embedText(term.text);
            } else {
                // An indexed photo reuses its stored vector; any other file is embedded now.
                std::optional<std::vector<float>> stored;
                if (model) {
                    try {
                        if (const auto photo = store.photoByHash(hashFileContent(term.text))) {
                            stored = store.vector(*photo, *model, "");
                        }
                    } catch (const Error&) {
                    }
                }
                vector = stored ? *stored : imageVector(term.text, "");
            }
            if (vector.size() != sum.size()) {
                throw Error("query", "the model returned a vector of the wrong dimension");
            }
            for (std::size_t i = 0; i < sum.size(); ++i) {
                sum[i] += static_cast<float>(term.weight) * vector[i];
            }
        }
        normalize(sum);
        return sum;
    }
};

std::string ApproximateIndexStatus::describe() const {
    std::ostringstream out;
    switch (state) {
        case State::Off:
            out << "exact search (approximate index off)";
            break;
        case State::Exact:
            out << "exact search (" << vectors << " vectors; approximate index from " << threshold
                << ")";
            break;
        case State::Building:
            out << "exact search while the approximate index is built (" << vectors << " vectors)";
            break;
        case State::Ready:
            out << "approximate index: " << indexedRows << " rows, " << pendingRows << " pending, "
                << staleRows << " stale";
            if (builds > 0) {
                out << "; built in " << static_cast<long long>(lastBuildSeconds * 10 + 0.5) / 10.0
                    << " s";
            }
            if (rebuilding) {
                out << "; rebuilding";
            }
            break;
        case State::Failed:
            out << "exact search (the approximate index could not be built: " << error << ")";
            break;
    }
    return out.str();
}

PhotoSearch::PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder)
    : PhotoSearch(store, embedder, decoder, PhotoSearchOptions{}) {}

PhotoSearch::PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                         const PhotoSearchOptions& options)
    : impl_(std::make_unique<Impl>(store, embedder, decoder, options)) {}

PhotoSearch::~PhotoSearch() = default;

void PhotoSearch::setLoadProgress(LibraryStore::LoadProgress progress) {
    std::lock_guard lock(impl_->mutex);
    impl_->loadProgress = std::move(progress);
}

void PhotoSearch::refresh() {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
}

std::size_t PhotoSearch::indexedPhotos() {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    return impl_->matrix.size();
}

std::vector<float> PhotoSearch::queryVector(const std::vector<QueryTerm>& terms) {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    return impl_->queryVector(terms);
}

std::vector<SearchResult> PhotoSearch::searchByVector(const std::vector<float>& query,
                                                      const SearchFilter& filter,
                                                      std::size_t topK) {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    return impl_->rank(query, filter, topK);
}

std::vector<SearchResult> PhotoSearch::search(const SearchRequest& request,
                                              const Progress& progress) {
    return search(request, progress, std::stop_token{});
}

std::vector<SearchResult> PhotoSearch::search(const SearchRequest& request,
                                              const Progress& progress, std::stop_token stop) {
    return searchTimed(request, progress, stop).results;
}

TimedSearchResults PhotoSearch::searchTimed(const SearchRequest& request, const Progress& progress,
                                            std::stop_token stop) {
    const bool instructed = !request.instruction.empty();
    if (instructed && !impl_->embedder.supportsInstructions()) {
        throw Error("instruction", "the model has no instruct adapter (--instruct-adapter)");
    }
    using Clock = std::chrono::steady_clock;
    TimedSearchResults out;
    SearchTimings& timings = out.timings;
    auto clock = Clock::now();
    // Adds the time since the last lap to `seconds`.
    const auto lap = [&clock](double& seconds) {
        const auto now = Clock::now();
        seconds += std::chrono::duration<double>(now - clock).count();
        clock = now;
    };
    std::vector<float> query;
    std::vector<SearchResult> candidates;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->refresh();
        if (!impl_->model) {
            return out;  // nothing indexed with this model yet
        }
        lap(timings.rankSeconds);
        query = impl_->queryVector(parseCombinedQuery(request.query));
        lap(timings.embedSeconds);
        if (!instructed) {
            out.results = impl_->rank(query, request.filter, request.topK);
            lap(timings.rankSeconds);
            return out;
        }
        // Instruction mode re-ranks the plain search's best candidates by their instructed
        // vectors.
        candidates = impl_->rank(query, request.filter,
                                 std::max(request.topK, request.instructionCandidates));
        lap(timings.rankSeconds);
    }
    if (candidates.empty()) {
        return out;
    }
    // From here on only the store (its own lock) and the model are used: a search from another
    // thread does not wait for these photos.
    LibraryStore& store = impl_->store;
    const std::string fingerprint = impl_->embedder.instructionFingerprint();
    std::optional<std::int64_t> model = store.findModel(fingerprint);
    std::vector<std::optional<std::vector<float>>> vectors(candidates.size());
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (model) {
            vectors[i] = store.vector(candidates[i].photo, *model, request.instruction);
        }
        if (!vectors[i]) {
            missing.push_back(i);
        }
    }
    if (!missing.empty() && !model) {
        model = store.modelId(fingerprint, impl_->embedder.dimension());
    }
    for (std::size_t done = 0; done < missing.size(); ++done) {
        if (stop.stop_requested()) {
            throw Cancelled();
        }
        const std::size_t i = missing[done];
        // A concurrent search with the same instruction may have embedded it meanwhile.
        vectors[i] = store.vector(candidates[i].photo, *model, request.instruction);
        if (!vectors[i]) {
            vectors[i] = impl_->imageVector(candidates[i].path, request.instruction);
            // One commit per photo: a forward costs far more than a transaction, and a cancel
            // or a crash then loses no photo already embedded.
            store.putVectors(*model, request.instruction, {{candidates[i].photo, *vectors[i]}});
        }
        if (progress) {
            progress(done + 1, missing.size());
        }
    }
    lap(timings.embedSeconds);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (vectors[i]->size() != query.size()) {
            throw Error("photo " + std::to_string(candidates[i].photo),
                        "its instructed vector has the wrong dimension");
        }
        candidates[i].score = dot(vectors[i]->data(), query.data(), query.size());
    }
    std::stable_sort(
        candidates.begin(), candidates.end(),
        [](const SearchResult& a, const SearchResult& b) { return a.score > b.score; });
    if (candidates.size() > request.topK) {
        candidates.resize(request.topK);
    }
    lap(timings.rankSeconds);
    out.results = std::move(candidates);
    return out;
}

std::vector<SearchResult> PhotoSearch::searchSimilar(PhotoId photo, const SearchFilter& filter,
                                                     std::size_t topK) {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    const auto row = impl_->matrix.indexOf(photo);
    if (row < 0) {
        throw Error("photo " + std::to_string(photo), "has no vector for this model");
    }
    const auto vector = impl_->matrix.row(static_cast<std::size_t>(row));
    const std::vector<float> query(vector.begin(), vector.end());
    return impl_->rank(query, filter, topK);
}

std::vector<SearchResult> PhotoSearch::searchByExample(const std::string& imagePath,
                                                       const SearchFilter& filter,
                                                       std::size_t topK) {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    const auto query = impl_->queryVector({QueryTerm{QueryTerm::Kind::Image, 1.0, imagePath}});
    return impl_->rank(query, filter, topK);
}

std::vector<DuplicateGroupPair> PhotoSearch::nearDuplicates(float threshold, std::size_t maxPairs) {
    return nearDuplicates(threshold, maxPairs, std::stop_token{});
}

std::vector<DuplicateGroupPair> PhotoSearch::nearDuplicates(float threshold, std::size_t maxPairs,
                                                            std::stop_token stop) {
    std::vector<PhotoId> ids;
    int dimension = 0;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->refresh();
        ids = impl_->matrix.ids();
        dimension = impl_->matrix.dimension();
    }
    const DuplicateRowSource rows =
        [this](std::span<const PhotoId> wanted, std::vector<PhotoId>& found,
               std::vector<float>& values) { impl_->fetchRows(wanted, found, values); };
    const auto pairs = findNearDuplicates(ids, dimension, rows, threshold, maxPairs, stop);
    std::lock_guard lock(impl_->mutex);
    std::vector<DuplicateGroupPair> result;
    const SearchFilter all;
    for (const auto& pair : pairs) {
        result.push_back({{pair.first, impl_->pathFor(pair.first, all, {}), pair.similarity},
                          {pair.second, impl_->pathFor(pair.second, all, {}), pair.similarity},
                          pair.similarity});
    }
    return result;
}

SearchStats PhotoSearch::lastSearchStats() {
    std::lock_guard lock(impl_->mutex);
    return impl_->lastStats;
}

ApproximateIndexStatus PhotoSearch::approximateIndexStatus() {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    return impl_->status();
}

bool PhotoSearch::waitForApproximateIndex(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    impl_->refresh();
    impl_->changed.wait_for(lock, timeout,
                            [&] { return impl_->indexSettled() || impl_->noIndexComing(); });
    return impl_->indexSettled();
}

SimilarityMatrix compareInstructions(PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                                     const std::string& imagePath,
                                     const std::vector<std::string>& instructions,
                                     const std::vector<std::string>& candidates) {
    SimilarityMatrix matrix;
    matrix.instructions = instructions;
    matrix.candidates = candidates;
    if (instructions.empty() || candidates.empty()) {
        throw Error("compare", "needs at least one instruction and one candidate text");
    }
    const auto patches = decoder.preprocess(imagePath);
    std::vector<std::vector<float>> texts;
    for (const auto& candidate : candidates) {
        texts.push_back(embedder.embedText(candidate));
    }
    for (const auto& instruction : instructions) {
        if (!instruction.empty() && !embedder.supportsInstructions()) {
            throw Error("instruction", "the model has no instruct adapter (--instruct-adapter)");
        }
        const auto image = embedder.embedImages({patches}, instruction).at(0);
        for (const auto& text : texts) {
            matrix.values.push_back(dot(image.data(), text.data(), image.size()));
        }
    }
    return matrix;
}

}  // namespace abc
