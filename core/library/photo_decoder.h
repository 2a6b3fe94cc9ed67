#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/image/image_patches.h"
#include "core/library/library_store.h"

namespace abc {

// Turns a file into the model's input and reads its facts. Thread-safe: called concurrently
// by the pipeline's decode threads.
class PhotoDecoder {
  public:
    virtual ~PhotoDecoder() = default;
    // Settings that change the patches (image-token budget); part of the model fingerprint.
    virtual std::string fingerprint() const = 0;
    // Decodes and preprocesses; throws abc::Error(path, reason) for a file it cannot read.
    virtual std::shared_ptr<const ImagePatches> preprocess(const std::string& path) const = 0;
    // Width, height and EXIF date; cheap (no full decode where the format allows).
    virtual void probe(const std::string& path, PhotoFacts& facts) const = 0;
    // How long reading one file may take (zero: no limit); the indexer's content hashing
    // honours it too, so one setting bounds every read of a photo.
    virtual std::chrono::milliseconds timeLimit() const { return std::chrono::milliseconds(0); }
};

struct PhotoDecoderOptions {
    // Upper bound on image tokens per photo (Qwen2-VL max_pixels / 28^2); ABC uses 1024.
    int maxImageTokens = 1024;
    int minImageTokens = 256;
    // A photo whose reading, probing or decoding takes longer is reported as failed with the
    // time in its reason and the run goes on (core/io/time_limit.h). A 100-megapixel HEIC
    // decodes in a few seconds on a slow laptop; a minute only catches what never ends.
    // Zero: no limit. Not part of the fingerprint: it changes no vector.
    std::chrono::milliseconds timeLimit{std::chrono::seconds(60)};
};

// The decoder options for an image-detail setting (SharedSettings::imageTokens,
// --max-image-tokens): at most `imageTokens`, at least 256 or `imageTokens` if that is less.
// The CLI and the desktop application both go through here, so the same setting gives the
// same vectors' fingerprint.
PhotoDecoderOptions decoderOptionsForImageTokens(int imageTokens);

// The product decoder on core/image (OpenCV/libheif decode, Pillow-exact resampling, EXIF).
std::unique_ptr<PhotoDecoder> makePhotoDecoder(const PhotoDecoderOptions& options = {});

}  // namespace abc
