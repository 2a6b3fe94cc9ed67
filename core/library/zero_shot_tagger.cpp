#include "core/library/zero_shot_tagger.h"

#include <algorithm>
#include <numeric>

#include "core/io/error.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/vector_math.h"

namespace abc {

std::vector<PhotoTag> assignTags(const TagSet& set, const StoredVectors& photos,
                                 const std::vector<std::vector<float>>& labelVectors) {
    if (labelVectors.size() != set.labels.size()) {
        throw Error("tag set " + set.name, "has a vector for each label expected");
    }
    const auto dimension = static_cast<std::size_t>(photos.dimension);
    for (const auto& vector : labelVectors) {
        if (vector.size() != dimension) {
            throw Error("tag set " + set.name, "label vector of the wrong dimension");
        }
    }
    std::vector<PhotoTag> result;
    std::vector<float> scores(labelVectors.size());
    std::vector<std::size_t> order(labelVectors.size());
    for (std::size_t row = 0; row < photos.ids.size(); ++row) {
        const float* photo = photos.values.data() + row * dimension;
        for (std::size_t l = 0; l < labelVectors.size(); ++l) {
            scores[l] = dot(photo, labelVectors[l].data(), dimension);
        }
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
        const std::size_t keep =
            set.rule == TagSet::Rule::TopK ? std::min(set.topK, order.size()) : order.size();
        for (std::size_t i = 0; i < keep; ++i) {
            const std::size_t l = order[i];
            if (set.rule == TagSet::Rule::Threshold && scores[l] < set.threshold) {
                break;  // sorted: no later label passes either
            }
            result.push_back({photos.ids[row], set.labels[l], scores[l]});
        }
    }
    return result;
}

ZeroShotTagger::ZeroShotTagger(LibraryStore& store, TagStore& tags, PhotoEmbedder& embedder,
                               const PhotoDecoder& decoder)
    : store_(store), tags_(tags), embedder_(embedder), decoder_(decoder) {}

std::optional<std::int64_t> ZeroShotTagger::model() {
    adoptFormerFingerprints(store_, embedder_);
    return store_.findModel(embedder_.fingerprint());
}

bool ZeroShotTagger::isUpToDate(const std::string& setName) {
    const auto plain = model();
    if (!plain) {
        return false;
    }
    const auto state = tags_.runState(setName, *plain);
    return state && state->current && state->scored == store_.vectorCount(*plain, "");
}

TagRunSummary ZeroShotTagger::apply(const std::string& setName, const Progress& progress,
                                    std::stop_token stop) {
    const auto set = tags_.set(setName);
    if (!set) {
        throw Error("tag set " + setName, "is not in the library (see `tags list`)");
    }
    const auto plain = model();
    if (!plain) {
        throw Error(store_.path(), "has no photos indexed with this model; run `index` first");
    }
    TagRunSummary summary;
    StoredVectors vectors = store_.loadVectors(*plain, "");
    if (!set->instruction.empty()) {
        if (!embedder_.supportsInstructions()) {
            throw Error("tag set " + set->name,
                        "has an instruction, and the model has no instruct adapter");
        }
        const std::int64_t instructed =
            store_.modelId(embedder_.instructionFingerprint(), embedder_.dimension());
        const auto cached = store_.vectorPhotoIds(instructed, set->instruction);
        std::vector<PhotoId> missing;
        std::set_difference(vectors.ids.begin(), vectors.ids.end(), cached.begin(), cached.end(),
                            std::back_inserter(missing));
        for (std::size_t done = 0; done < missing.size(); ++done) {
            if (stop.stop_requested()) {
                throw Cancelled();
            }
            const auto record = store_.photo(missing[done]);
            if (record && !record->files.empty()) {
                const std::string& path = record->files.front().path;
                try {
                    const auto patches = decoder_.preprocess(path);
                    auto vector = embedder_.embedImages({patches}, set->instruction).at(0);
                    // One commit per photo, as instruction search does: a cancel loses nothing.
                    store_.putVectors(instructed, set->instruction,
                                      {{missing[done], std::move(vector)}});
                    ++summary.embedded;
                } catch (const Error& error) {
                    summary.failures.push_back({path, error.problem()});
                }
            }
            if (progress) {
                progress(done + 1, missing.size());
            }
        }
        // Scored: the photos of the plain set that have an instructed vector now.
        StoredVectors all = store_.loadVectors(instructed, set->instruction);
        StoredVectors kept;
        kept.dimension = all.dimension;
        const auto dimension = static_cast<std::size_t>(all.dimension);
        for (std::size_t row = 0; row < all.ids.size(); ++row) {
            if (std::binary_search(vectors.ids.begin(), vectors.ids.end(), all.ids[row])) {
                kept.ids.push_back(all.ids[row]);
                kept.values.insert(kept.values.end(), all.values.begin() + row * dimension,
                                   all.values.begin() + (row + 1) * dimension);
            }
        }
        vectors = std::move(kept);
    }
    std::vector<std::vector<float>> labelVectors;
    for (const auto& label : set->labels) {
        labelVectors.push_back(embedder_.embedText(label));
    }
    if (vectors.dimension == 0) {
        vectors.dimension = embedder_.dimension();
    }
    const auto tags = assignTags(*set, vectors, labelVectors);
    summary.scored = vectors.ids.size();
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (i == 0 || tags[i].photo != tags[i - 1].photo) {
            ++summary.tagged;
        }
    }
    // A photo that failed is not scored: the run covers fewer photos than have vectors, so
    // isUpToDate stays false and the next apply tries it again.
    tags_.putResults(*set, *plain, static_cast<std::int64_t>(summary.scored), tags);
    return summary;
}

}  // namespace abc
