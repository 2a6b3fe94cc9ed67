#include "core/library/photo_search.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_scanner.h"
#include "core/library/vector_math.h"

namespace abc {

struct PhotoSearch::Impl {
    LibraryStore& store;
    PhotoEmbedder& embedder;
    const PhotoDecoder& decoder;
    std::recursive_mutex mutex;
    std::optional<std::int64_t> model;
    EmbeddingMatrix matrix;
    std::int64_t lastRow = 0;
    LibraryStore::LoadProgress loadProgress;
    std::optional<std::int64_t> seenVersion;
    std::unordered_map<PhotoId, PhotoRecord> photos;
    bool everyRowHasAPath = false;  // then an empty filter needs no per-row check
    SearchStats lastStats;

    // Last member: its worker stops and joins before the state it reads is destroyed.
    LiveApproximateIndex index;

    Impl(LibraryStore& s, PhotoEmbedder& e, const PhotoDecoder& d, const PhotoSearchOptions& o)
        : store(s), embedder(e), decoder(d), matrix(e.dimension()), index(matrix, mutex, o) {
        adoptFormerFingerprints(store, embedder);
    }

    // Copies rows under the search lock, for the duplicate scan (which does not hold it).
    void fetchRows(std::span<const PhotoId> wanted, std::vector<PhotoId>& found,
                   std::vector<float>& values) {
        std::lock_guard lock(mutex);
        copyMatrixRows(matrix, wanted, found, values);
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
        if (lastRow == 0 && matrix.size() == 0 && index.idle()) {
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
            index.noteUpsert(added.ids[i]);
        }
        const auto present = store.vectorPhotoIds(*model, "");
        if (present.size() != matrix.size()) {
            const std::vector<PhotoId> held = matrix.ids();
            for (const PhotoId id : held) {
                if (!std::binary_search(present.begin(), present.end(), id)) {
                    matrix.remove(id);
                    index.noteRemove(id);
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
        index.scheduleWork();
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
        if (index.answers() && topK > 0) {
            approximate = index.answer(query, topK, keep, !isEmpty(filter), stats);
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

    // A text's vector costs a forward of the model (seconds on a CPU); asked again, it comes
    // from the library's cache. The instruction plays no part: it changes photo vectors only.
    std::vector<float> textVector(const std::string& text) {
        const std::string fingerprint = embedder.fingerprint();
        if (auto cached = store.cachedQueryVector(fingerprint, text);
            cached && cached->size() == static_cast<std::size_t>(embedder.dimension())) {
            return std::move(*cached);
        }
        std::vector<float> vector = embedder.embedText(text);
        try {
            store.cacheQueryVector(fingerprint, text, vector);
        } catch (const Error&) {
            // Only a cache: a library that cannot be written (read-only, busy, full) must
            // still answer the search, as it did before the cache existed.
        }
        return vector;
    }

    std::vector<float> queryVector(const std::vector<QueryTerm>& terms) {
        std::vector<float> sum(static_cast<std::size_t>(embedder.dimension()), 0.0f);
        for (const auto& term : terms) {
            std::vector<float> vector;
            if (term.kind == QueryTerm::Kind::Text) {
                vector = textVector(term.text);
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
    return impl_->index.status();
}

bool PhotoSearch::waitForApproximateIndex(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    impl_->refresh();
    return impl_->index.waitUntilSettled(lock, timeout);
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
