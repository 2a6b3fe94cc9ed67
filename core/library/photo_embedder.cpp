#include "core/library/photo_embedder.h"

#include "core/io/error.h"

namespace abc {

ModelPhotoEmbedder::ModelPhotoEmbedder(std::shared_ptr<Embedder> embedder,
                                       std::string decoderFingerprint)
    : embedder_(std::move(embedder)) {
    if (!embedder_) {
        throw Error("model", "no embedder");
    }
    fingerprint_ = embedder_->fingerprint() + ";" + decoderFingerprint;
}

std::string ModelPhotoEmbedder::fingerprint() const {
    return fingerprint_;
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
    std::vector<EmbedRequest> requests;
    requests.reserve(images.size());
    for (const auto& image : images) {
        requests.push_back(instruction.empty()
                               ? EmbedRequest::forImage(image)
                               : EmbedRequest::forImageWithInstruction(image, instruction));
    }
    return embedder_->embed(requests, hooks);
}

Embedding ModelPhotoEmbedder::embedText(const std::string& text) {
    return embedder_->embedText(text);
}

}  // namespace abc
