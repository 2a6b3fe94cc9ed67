#include "core/image/image_preprocessor.h"

#include "core/image/resample.h"
#include "core/io/error.h"

namespace abc {

ImagePreprocessor::ImagePreprocessor(ImagePreprocessorOptions options)
    : options_(std::move(options)) {
    if (options_.minPixels <= 0 || options_.maxPixels < options_.minPixels) {
        throw Error("image preprocessor", "pixel range " + std::to_string(options_.minPixels) +
                                              ".." + std::to_string(options_.maxPixels) +
                                              " is invalid (need 0 < min-pixels <= max-pixels)");
    }
}

SmartResizeLimits ImagePreprocessor::stage2Limits() const {
    return SmartResizeLimits{kModelPatchGeometry.tokenSide(), options_.minPixels,
                             options_.maxPixels, SmartResizeFlavour::Transformers};
}

PreprocessedImage ImagePreprocessor::preprocess(RgbImage decoded,
                                                const std::string& subject) const {
    PreprocessedImage result;
    result.original = ImageSize{decoded.width, decoded.height};
    ImageSize stage1Size;
    ImageSize stage2Size;
    try {
        stage1Size = smartResize(result.original, kStage1Limits);
        stage2Size = smartResize(stage1Size, stage2Limits());
    } catch (const Error& error) {
        throw Error(subject, error.problem());
    }
    result.stage1 =
        resizeBicubic(decoded, stage1Size.width, stage1Size.height, options_.resampleOrder);
    decoded = RgbImage();  // the full-size decode is the largest buffer; free it early
    result.resized =
        resizeBicubic(result.stage1, stage2Size.width, stage2Size.height, options_.resampleOrder);
    result.patches = patchify(result.resized);
    return result;
}

PreprocessedImage ImagePreprocessor::preprocessBytes(std::span<const std::uint8_t> bytes,
                                                     const std::string& subject) const {
    return preprocess(decodeImage(bytes, subject, options_.decode).rgb, subject);
}

PreprocessedImage ImagePreprocessor::preprocessFile(const std::filesystem::path& path) const {
    const std::vector<std::uint8_t> bytes = readFileBytes(path);
    return preprocessBytes(bytes, path.string());
}

}  // namespace abc
