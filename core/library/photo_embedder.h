#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/image/image_patches.h"
#include "core/library/library_store.h"
#include "core/model/embedder.h"

namespace abc {

// What the library needs from a model. The product uses ModelPhotoEmbedder (the real ABC
// Embedder); tests may inject a small fake to exercise the pipeline without a checkpoint.
// Thread-safety: implementations must allow calls from any thread (calls may be serialised).
class PhotoEmbedder {
  public:
    virtual ~PhotoEmbedder() = default;
    // Everything that changes the vectors, including the image preprocessing settings.
    virtual std::string fingerprint() const = 0;
    // The model row of instruction-mode vectors: fingerprint() plus whatever changes them on
    // top of it, so vectors cached under one instruct adapter are never used with another.
    // The default suits a model whose instructed vectors depend on nothing more: they share
    // fingerprint()'s row (under their instruction).
    virtual std::string instructionFingerprint() const { return fingerprint(); }
    // What earlier versions stored the same vectors under (adoptFormerFingerprints renames
    // such a row to the current name, so an upgrade re-embeds nothing).
    virtual std::vector<std::string> formerFingerprints() const { return {}; }
    virtual std::vector<std::string> formerInstructionFingerprints() const { return {}; }
    virtual int dimension() const = 0;
    virtual bool supportsInstructions() const = 0;
    // One vector per image, in order; with a non-empty instruction the instruct adapter is on.
    // hooks.beforeItem runs before each image and may block (the indexer parks there while
    // paused), so implementations hold no shared lock across that call; then a stop request
    // on hooks.stop throws abc::Cancelled.
    virtual std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) = 0;
    virtual Embedding embedText(const std::string& text) = 0;
};

// The real model: ABC through abc::Embedder, combined with the decoder's fingerprint.
// fingerprint() = "<Embedder::fingerprint()>;<decoder>"; instructionFingerprint() =
// fingerprint() + "|instruct=<Embedder::instructFingerprint()>" (LibraryStore's migration to
// schema 3 writes the same form for libraries indexed before the split).
class ModelPhotoEmbedder : public PhotoEmbedder {
  public:
    ModelPhotoEmbedder(std::shared_ptr<Embedder> embedder, std::string decoderFingerprint);
    std::string fingerprint() const override;
    std::string instructionFingerprint() const override;
    std::vector<std::string> formerFingerprints() const override;
    std::vector<std::string> formerInstructionFingerprints() const override;
    int dimension() const override;
    bool supportsInstructions() const override;
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) override;
    Embedding embedText(const std::string& text) override;
    Embedder& embedder() { return *embedder_; }

  private:
    std::shared_ptr<Embedder> embedder_;
    std::string fingerprint_;
    std::string instructionFingerprint_;
    std::vector<std::string> formerFingerprints_;
    std::vector<std::string> formerInstructionFingerprints_;
};

// Renames a library's model rows stored under a former fingerprint of `embedder` (plain and
// instruction-mode) to the current one, when the current one has no row yet; called by
// PhotoIndexer and PhotoSearch before they look their model up.
void adoptFormerFingerprints(LibraryStore& store, const PhotoEmbedder& embedder);

}  // namespace abc
