#include "core/library/photo_search.h"

#include <algorithm>
#include <unordered_map>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_scanner.h"
#include "core/library/vector_math.h"

namespace abc {

namespace {

bool isUnder(const std::string& path, const std::string& folder) {
    std::string prefix = folder;
    while (prefix.size() > 1 && prefix.back() == '/') {
        prefix.pop_back();
    }
    if (prefix == "/") {
        return true;
    }
    return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
           path[prefix.size()] == '/';
}

}  // namespace

struct PhotoSearch::Impl {
    LibraryStore& store;
    PhotoEmbedder& embedder;
    const PhotoDecoder& decoder;
    std::recursive_mutex mutex;
    std::optional<std::int64_t> model;
    EmbeddingMatrix matrix;
    std::int64_t lastRow = 0;
    std::optional<std::int64_t> seenVersion;
    std::unordered_map<PhotoId, PhotoRecord> photos;
    bool everyRowHasAPath = false;  // then an empty filter needs no per-row check

    Impl(LibraryStore& s, PhotoEmbedder& e, const PhotoDecoder& d)
        : store(s), embedder(e), decoder(d), matrix(e.dimension()) {}

    void refresh() {
        const std::int64_t version = store.dataVersion();
        if (seenVersion && *seenVersion == version) {
            return;
        }
        seenVersion = version;
        if (!model) {
            model = store.findModel(embedder.fingerprint());
            if (!model) {
                return;
            }
        }
        const StoredVectors added = store.vectorsAfter(*model, "", lastRow, lastRow);
        const auto dimension = static_cast<std::size_t>(matrix.dimension());
        for (std::size_t i = 0; i < added.ids.size(); ++i) {
            matrix.upsert(added.ids[i],
                          std::span<const float>(added.values.data() + i * dimension, dimension));
        }
        const auto present = store.vectorPhotoIds(*model, "");
        if (present.size() != matrix.size()) {
            const std::vector<PhotoId> held = matrix.ids();
            for (const PhotoId id : held) {
                if (!std::binary_search(present.begin(), present.end(), id)) {
                    matrix.remove(id);
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
    }

    static bool isEmpty(const SearchFilter& filter) {
        return filter.folders.empty() && !filter.takenFrom && !filter.takenUntil &&
               filter.mediaTypes.empty();
    }

    // The path a result shows: the first one inside the filter's folders; "" if none passes.
    std::string pathFor(PhotoId photo, const SearchFilter& filter) const {
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
            if (filter.folders.empty()) {
                return file.path;
            }
            for (const auto& folder : filter.folders) {
                if (isUnder(file.path, folder)) {
                    return file.path;
                }
            }
        }
        return {};
    }

    std::vector<SearchResult> rank(std::span<const float> query, const SearchFilter& filter,
                                   std::size_t topK) {
        std::function<bool(PhotoId)> keep;
        if (!everyRowHasAPath || !isEmpty(filter)) {
            keep = [&](PhotoId photo) { return !pathFor(photo, filter).empty(); };
        }
        const auto scored = matrix.topK(query, topK, keep);
        std::vector<SearchResult> results;
        results.reserve(scored.size());
        for (const auto& hit : scored) {
            results.push_back({hit.photo, pathFor(hit.photo, filter), hit.score});
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

PhotoSearch::PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder)
    : impl_(std::make_unique<Impl>(store, embedder, decoder)) {}

PhotoSearch::~PhotoSearch() = default;

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
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    const auto terms = parseCombinedQuery(request.query);
    const auto query = impl_->queryVector(terms);
    if (request.instruction.empty()) {
        return impl_->rank(query, request.filter, request.topK);
    }
    if (!impl_->embedder.supportsInstructions()) {
        throw Error("instruction", "the model has no instruct adapter (--instruct-adapter)");
    }
    // Instruction mode re-ranks the plain search's best candidates by their instructed vectors.
    auto candidates =
        impl_->rank(query, request.filter, std::max(request.topK, request.instructionCandidates));
    std::vector<LibraryStore::VectorRow> fresh;
    std::size_t done = 0;
    for (auto& candidate : candidates) {
        auto vector = impl_->store.vector(candidate.photo, *impl_->model, request.instruction);
        if (!vector) {
            vector = impl_->imageVector(candidate.path, request.instruction);
            fresh.push_back({candidate.photo, *vector});
            if (fresh.size() >= 8) {
                impl_->store.putVectors(*impl_->model, request.instruction, fresh);
                fresh.clear();
            }
        }
        candidate.score = dot(vector->data(), query.data(), query.size());
        if (progress) {
            progress(++done, candidates.size());
        }
    }
    impl_->store.putVectors(*impl_->model, request.instruction, fresh);
    std::stable_sort(
        candidates.begin(), candidates.end(),
        [](const SearchResult& a, const SearchResult& b) { return a.score > b.score; });
    if (candidates.size() > request.topK) {
        candidates.resize(request.topK);
    }
    return candidates;
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
    std::lock_guard lock(impl_->mutex);
    impl_->refresh();
    std::vector<DuplicateGroupPair> result;
    const SearchFilter all;
    for (const auto& pair : findNearDuplicates(impl_->matrix, threshold, maxPairs)) {
        result.push_back({{pair.first, impl_->pathFor(pair.first, all), pair.similarity},
                          {pair.second, impl_->pathFor(pair.second, all), pair.similarity},
                          pair.similarity});
    }
    return result;
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
