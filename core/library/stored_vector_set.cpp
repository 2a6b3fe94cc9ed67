#include "core/library/stored_vector_set.h"

#include <algorithm>

#include "core/io/error.h"
#include "core/library/vector_set_fields.h"

namespace abc {

namespace {

bool matches(const std::map<std::string, std::string>& fields,
             const WantedVectorSetFields& wanted) {
    for (const auto& [key, accepted] : wanted) {
        const auto it = fields.find(key);
        // Unquantized vector sets keep the key they had before quantization existed.
        const std::string value = it != fields.end() ? it->second : key == "weights" ? "bf16" : "";
        if (std::find(accepted.begin(), accepted.end(), value) == accepted.end()) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<LibraryStore::ModelSummary> plainVectorSetsMatching(
    LibraryStore& store, const WantedVectorSetFields& wanted) {
    std::vector<LibraryStore::ModelSummary> found;
    for (auto& set : store.models()) {
        const auto fields = vectorSetFields(set.fingerprint);
        if (set.plainVectors > 0 && !fields.contains("instruct") && matches(fields, wanted)) {
            found.push_back(std::move(set));
        }
    }
    return found;
}

StoredVectorSet::StoredVectorSet(LibraryStore::ModelSummary set) : set_(std::move(set)) {}

std::string StoredVectorSet::fingerprint() const {
    return set_.fingerprint;
}

int StoredVectorSet::dimension() const {
    return set_.dimension;
}

bool StoredVectorSet::supportsInstructions() const {
    return false;
}

std::vector<Embedding> StoredVectorSet::embedImages(
    const std::vector<std::shared_ptr<const ImagePatches>>&, const std::string&,
    const EmbedHooks&) {
    refuse("embedding a photo");
}

Embedding StoredVectorSet::embedText(const std::string&) {
    refuse("embedding a text query");
}

void StoredVectorSet::refuse(const std::string& what) const {
    throw Error("vector set " + set_.fingerprint,
                what + " needs the model; only the library's stored vectors are open");
}

}  // namespace abc
