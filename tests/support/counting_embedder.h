// A model wrapper that counts the photos and texts it embeds, for tests that check a step ran no
// forward (tagging from stored vectors, a cached query vector) or only the ones it had to (an
// instruction cache).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/library/photo_embedder.h"

namespace abc::test {

class CountingEmbedder : public PhotoEmbedder {
  public:
    explicit CountingEmbedder(PhotoEmbedder& inner) : inner_(inner) {}
    std::string fingerprint() const override { return inner_.fingerprint(); }
    std::string instructionFingerprint() const override { return inner_.instructionFingerprint(); }
    int dimension() const override { return inner_.dimension(); }
    bool supportsInstructions() const override { return inner_.supportsInstructions(); }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) override {
        images_ += static_cast<int>(images.size());
        return inner_.embedImages(images, instruction, hooks);
    }
    Embedding embedText(const std::string& text) override {
        ++texts_;
        return inner_.embedText(text);
    }
    int images() const { return images_.load(); }
    int texts() const { return texts_.load(); }

  private:
    PhotoEmbedder& inner_;
    std::atomic<int> images_{0};
    std::atomic<int> texts_{0};
};

}  // namespace abc::test
