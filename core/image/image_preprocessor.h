#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/image/decode.h"
#include "core/image/image_patches.h"
#include "core/image/image_size.h"
#include "core/image/patch_geometry.h"
#include "core/image/patchify.h"
#include "core/image/resample.h"
#include "core/image/rgb_image.h"
#include "core/image/smart_resize.h"

namespace abc {

struct ImagePreprocessorOptions {
    // Stage-2 pixel budget; ABC overrides the processor's defaults with these values
    // (256 .. 1024 image tokens).
    std::int64_t minPixels = 256 * kModelPatchGeometry.pixelsPerToken();
    std::int64_t maxPixels = 1024 * kModelPatchGeometry.pixelsPerToken();
    DecodeOptions decode;
    // ABC's environment (and the reference goldens) predate Pillow 13's pass order.
    ResampleOrder resampleOrder = ResampleOrder::PillowClassic;
};

struct PreprocessedImage {
    ImageSize original;  // decoded (and oriented) size: what stage 1 starts from
    RgbImage stage1;     // after qwen-vl-utils fetch_image's resize
    RgbImage resized;    // after Qwen2VLImageProcessor's resize: what is normalised
    ImagePatches patches;
};

// ABC's image path from decoded RGB to the model's pixel values, in two resizes as ABC runs
// it: fetch_image's smart_resize (fixed limits) + Pillow bicubic, then the processor's
// smart_resize (minPixels..maxPixels) + Pillow bicubic, rescale, CLIP normalisation and
// patch flattening. Stateless after construction: one instance may serve many threads.
class ImagePreprocessor {
  public:
    // Throws abc::Error (subject "image preprocessor") for an empty or inverted pixel range.
    explicit ImagePreprocessor(ImagePreprocessorOptions options = {});

    const ImagePreprocessorOptions& options() const { return options_; }
    SmartResizeLimits stage2Limits() const;

    // Errors about the size (aspect ratio) name `subject`.
    PreprocessedImage preprocess(RgbImage decoded, const std::string& subject = "image") const;
    PreprocessedImage preprocessBytes(std::span<const std::uint8_t> bytes,
                                      const std::string& subject) const;
    PreprocessedImage preprocessFile(const std::filesystem::path& path) const;

  private:
    ImagePreprocessorOptions options_;
};

}  // namespace abc
