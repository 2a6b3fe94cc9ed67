#include "core/library/photo_decoder.h"

#include <algorithm>

#include "core/image/decode.h"
#include "core/image/image_preprocessor.h"
#include "core/image/probe.h"
#include "core/io/error.h"
#include "core/io/time_limit.h"

namespace abc {

namespace {

// "YYYY:MM:DD HH:MM:SS" (EXIF) -> "YYYY-MM-DD HH:MM:SS"; anything else is not a usable date.
std::optional<std::string> normaliseExifDate(const std::optional<std::string>& raw) {
    if (!raw || raw->size() < 19) {
        return std::nullopt;
    }
    std::string date = raw->substr(0, 19);
    if (date[4] != ':' || date[7] != ':' || date.substr(0, 4) == "0000") {
        return std::nullopt;
    }
    date[4] = '-';
    date[7] = '-';
    return date;
}

}  // namespace

PhotoDecoderOptions decoderOptionsForImageTokens(int imageTokens) {
    PhotoDecoderOptions options;
    options.maxImageTokens = imageTokens;
    options.minImageTokens = std::min(options.minImageTokens, imageTokens);
    return options;
}

namespace {

class ImagePhotoDecoder : public PhotoDecoder {
  public:
    explicit ImagePhotoDecoder(const PhotoDecoderOptions& options)
        : preprocessor_(std::make_shared<const ImagePreprocessor>(makeOptions(options))),
          timeLimit_(options.timeLimit) {
        const std::int64_t pixels = kModelPatchGeometry.pixelsPerToken();
        fingerprint_ = "image:pixels=" + std::to_string(options.minImageTokens * pixels) + ".." +
                       std::to_string(options.maxImageTokens * pixels) + ",exif-orientation=on";
    }

    std::string fingerprint() const override { return fingerprint_; }
    std::chrono::milliseconds timeLimit() const override { return timeLimit_; }

    // The work runs on a thread that may outlive this call (and this decoder): it owns the
    // preprocessor and the path, and hands its result over through a shared slot.
    std::shared_ptr<const ImagePatches> preprocess(const std::string& path) const override {
        auto result = std::make_shared<std::shared_ptr<const ImagePatches>>();
        runWithTimeLimit(
            [preprocessor = preprocessor_, path, result] {
                auto image = preprocessor->preprocessFile(path);
                *result = std::make_shared<const ImagePatches>(std::move(image.patches));
            },
            timeLimit_, path, "decoding");
        return *result;
    }

    void probe(const std::string& path, PhotoFacts& facts) const override {
        auto probe = std::make_shared<ImageProbe>();
        runWithTimeLimit(
            [path, probe] {
                const auto bytes = readFileBytes(path);
                *probe = probeImage(bytes, path);
            },
            timeLimit_, path, "reading");
        // Dimensions as shown: orientations 5..8 swap width and height.
        const bool swap = probe->orientation >= 5 && probe->orientation <= 8;
        facts.width = swap ? probe->height : probe->width;
        facts.height = swap ? probe->width : probe->height;
        facts.takenAt = normaliseExifDate(probe->dateTimeOriginal);
    }

  private:
    static ImagePreprocessorOptions makeOptions(const PhotoDecoderOptions& options) {
        if (options.minImageTokens <= 0 || options.maxImageTokens < options.minImageTokens) {
            throw Error("image tokens", "need 0 < minimum <= maximum");
        }
        ImagePreprocessorOptions result;
        result.minPixels = options.minImageTokens * kModelPatchGeometry.pixelsPerToken();
        result.maxPixels = options.maxImageTokens * kModelPatchGeometry.pixelsPerToken();
        result.decode.applyExifOrientation = true;
        return result;
    }

    std::shared_ptr<const ImagePreprocessor> preprocessor_;
    std::chrono::milliseconds timeLimit_;
    std::string fingerprint_;
};

}  // namespace

std::unique_ptr<PhotoDecoder> makePhotoDecoder(const PhotoDecoderOptions& options) {
    return std::make_unique<ImagePhotoDecoder>(options);
}

}  // namespace abc
