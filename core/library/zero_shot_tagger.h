#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/library/library_store.h"
#include "core/library/tag_set.h"
#include "core/library/tag_store.h"

namespace abc {

class PhotoDecoder;
class PhotoEmbedder;

// The labels `set` gives each photo: row i of `photos` (dimension floats, L2-normalised) is
// scored against every label vector (cosine = dot product); Rule::TopK keeps the k best
// (ties: the earlier label), Rule::Threshold every label scoring >= threshold. By photo, best
// score first.
std::vector<PhotoTag> assignTags(const TagSet& set, const StoredVectors& photos,
                                 const std::vector<std::vector<float>>& labelVectors);

struct TagRunSummary {
    std::size_t scored = 0;    // photos scored
    std::size_t embedded = 0;  // photos embedded with the set's instruction (not cached yet)
    std::size_t tagged = 0;    // photos that got at least one label
    std::vector<IndexFailure> failures;  // instruction sets: photos that could not be read
};

// Applies tag sets to a library with one model: labels embedded as text, photos scored from
// their stored plain vectors (nothing re-embedded), or, for a set with an instruction, from
// their instructed vectors, embedded for the photos that have none yet and cached in the
// store under the model's instruction fingerprint (the same cache instruction search uses).
// Model calls run on the calling thread.
class ZeroShotTagger {
  public:
    ZeroShotTagger(LibraryStore& store, TagStore& tags, PhotoEmbedder& embedder,
                   const PhotoDecoder& decoder);

    // (photos embedded, photos to embed) after each instructed embedding. May be empty.
    using Progress = std::function<void(std::size_t done, std::size_t total)>;
    // Scores every photo with a plain vector of the model and stores the results (replacing
    // the set's earlier ones for this model). `stop` is checked before each embedding (throws
    // abc::Cancelled); instructed vectors already embedded stay cached. Throws abc::Error
    // when the set is unknown, or the library has no vectors of the model.
    TagRunSummary apply(const std::string& setName, const Progress& progress = {},
                        std::stop_token stop = {});
    // True when the set's results are current for the model and cover every photo that has
    // a vector now (nothing to apply).
    bool isUpToDate(const std::string& setName);
    // The plain model row results are keyed by; nothing when nothing was indexed with it.
    std::optional<std::int64_t> model();

  private:
    LibraryStore& store_;
    TagStore& tags_;
    PhotoEmbedder& embedder_;
    const PhotoDecoder& decoder_;
};

}  // namespace abc
