#include "core/library/photo_embedder.h"

#include "core/io/error.h"
#include "core/library/instruction_fingerprint.h"

namespace abc {

ModelPhotoEmbedder::ModelPhotoEmbedder(std::shared_ptr<Embedder> embedder,
                                       std::string decoderFingerprint)
    : embedder_(std::move(embedder)) {
    if (!embedder_) {
        throw Error("model", "no embedder");
    }
    fingerprint_ = embedder_->fingerprint() + ";" + decoderFingerprint;
    instructionFingerprint_ =
        abc::instructionFingerprint(fingerprint_, embedder_->instructFingerprint());
    for (const auto& former : embedder_->formerFingerprints()) {
        formerFingerprints_.push_back(former + ";" + decoderFingerprint);
    }
    // Instructed rows: every pairing of a plain name and an instruct adapter name, current
    // ones included, except the current pair itself.
    std::vector<std::string> plainNames{fingerprint_};
    plainNames.insert(plainNames.end(), formerFingerprints_.begin(), formerFingerprints_.end());
    std::vector<std::string> adapterNames{embedder_->instructFingerprint()};
    const auto& formerAdapters = embedder_->formerInstructFingerprints();
    adapterNames.insert(adapterNames.end(), formerAdapters.begin(), formerAdapters.end());
    for (const auto& plain : plainNames) {
        for (const auto& adapter : adapterNames) {
            std::string name = abc::instructionFingerprint(plain, adapter);
            if (name != instructionFingerprint_) {
                formerInstructionFingerprints_.push_back(std::move(name));
            }
        }
    }
}

std::vector<std::string> ModelPhotoEmbedder::formerFingerprints() const {
    return formerFingerprints_;
}

std::vector<std::string> ModelPhotoEmbedder::formerInstructionFingerprints() const {
    return formerInstructionFingerprints_;
}

void adoptFormerFingerprints(LibraryStore& store, const PhotoEmbedder& embedder) {
    store.adoptModel(embedder.fingerprint(), embedder.formerFingerprints());
    store.adoptModel(embedder.instructionFingerprint(), embedder.formerInstructionFingerprints());
}

std::string ModelPhotoEmbedder::fingerprint() const {
    return fingerprint_;
}

std::string ModelPhotoEmbedder::instructionFingerprint() const {
    return instructionFingerprint_;
}

int ModelPhotoEmbedder::dimension() const {
    return embedder_->dimension();
}

bool ModelPhotoEmbedder::supportsInstructions() const {
    return embedder_->hasInstructAdapter();
}

std::vector<Embedding> ModelPhotoEmbedder::embedImages(
    const std::vector<std::shared_ptr<const ImagePatches>>& images, const std::string& instruction,
    const EmbedHooks& hooks) {
    // One engine call per photo: the engine runs a batch photo by photo anyway (same vectors,
    // Embedder::embed's contract), and between calls its forward lock is free, so a paused
    // indexer parked in `hooks` holds nothing and a search never waits for a whole batch.
    std::vector<Embedding> out;
    out.reserve(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (hooks.beforeItem) {
            hooks.beforeItem();
        }
        if (hooks.stop.stop_requested()) {
            throw Cancelled();
        }
        const EmbedRequest request =
            instruction.empty() ? EmbedRequest::forImage(images[i])
                                : EmbedRequest::forImageWithInstruction(images[i], instruction);
        out.push_back(std::move(embedder_->embed({request}).front()));
        if (hooks.progress) {
            hooks.progress(i + 1, images.size());
        }
    }
    return out;
}

Embedding ModelPhotoEmbedder::embedText(const std::string& text) {
    return embedder_->embedText(text);
}

}  // namespace abc
