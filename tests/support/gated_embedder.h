// A model that holds its first batch at a gate the test opens: what a test wants to happen
// "while photos are being embedded" (a pause, a settings change) happens then for certain,
// however fast the machine, instead of racing the run to its end.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/library/photo_embedder.h"

namespace abc::test {

class GatedEmbedder : public PhotoEmbedder {
  public:
    explicit GatedEmbedder(std::shared_ptr<PhotoEmbedder> model) : model_(std::move(model)) {}

    // Lets the held batch (and every later one) through.
    void open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        wake_.notify_all();
    }
    // Whether a batch has reached the gate (and waits there, unless it is open).
    bool reached() const {
        std::lock_guard lock(mutex_);
        return reached_;
    }

    std::string fingerprint() const override { return model_->fingerprint(); }
    std::string instructionFingerprint() const override { return model_->instructionFingerprint(); }
    int dimension() const override { return model_->dimension(); }
    bool supportsInstructions() const override { return model_->supportsInstructions(); }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) override {
        {
            std::unique_lock lock(mutex_);
            reached_ = true;
            wake_.wait(lock, [this] { return open_; });
        }
        return model_->embedImages(images, instruction, hooks);
    }
    Embedding embedText(const std::string& text) override { return model_->embedText(text); }

  private:
    std::shared_ptr<PhotoEmbedder> model_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool open_ = false;
    bool reached_ = false;
};

}  // namespace abc::test
