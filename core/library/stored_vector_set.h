#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"

namespace abc {

// Work on the vectors a library already holds (near duplicates) needs to know which vector set
// to read, not the model: loading a 7B checkpoint to name a row of the models table costs
// seconds and gigabytes, and fails on a machine that has the library but not the model.

// The library's plain vector sets (no instruction, at least one vector) whose fingerprint has
// every field of `wanted` with the same value (vectorSetFields' names; a fingerprint without a
// "weights" field reads as weights=bf16), in models() order. A field listed with several
// accepted values (a checkpoint's current and former names) matches any of them.
using WantedVectorSetFields = std::map<std::string, std::vector<std::string>>;
std::vector<LibraryStore::ModelSummary> plainVectorSetsMatching(
    LibraryStore& store, const WantedVectorSetFields& wanted);

// A stored vector set seen as the model that made it: its fingerprint and dimension, for
// PhotoSearch's rankings of stored vectors (nearDuplicates, searchSimilar). Anything that needs
// the model itself (a text query, an example image, instruction mode) throws abc::Error naming
// the vector set.
class StoredVectorSet : public PhotoEmbedder {
  public:
    explicit StoredVectorSet(LibraryStore::ModelSummary set);
    std::string fingerprint() const override;
    int dimension() const override;
    bool supportsInstructions() const override;
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) override;
    Embedding embedText(const std::string& text) override;

  private:
    [[noreturn]] void refuse(const std::string& what) const;
    LibraryStore::ModelSummary set_;
};

}  // namespace abc
