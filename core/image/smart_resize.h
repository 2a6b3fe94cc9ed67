#pragma once

#include <cstdint>

#include "core/image/image_size.h"
#include "core/image/patch_geometry.h"

namespace abc {

// The two variants of Qwen2-VL's smart_resize ABC runs, one after the other.
enum class SmartResizeFlavour {
    // qwen-vl-utils fetch_image (ABC's qwen/vision_process.py): rounded sides are at least
    // `factor`, any size accepted.
    QwenVlUtils,
    // transformers 4.47 Qwen2VLImageProcessor: sides below `factor` are an error.
    Transformers,
};

struct SmartResizeLimits {
    int factor = kModelPatchGeometry.tokenSide();
    std::int64_t minPixels = 0;
    std::int64_t maxPixels = 0;
    SmartResizeFlavour flavour = SmartResizeFlavour::QwenVlUtils;
};

// Stage 1 (fixed by ABC): factor 28, 4 .. 16384 tokens of 28*28 pixels.
inline constexpr SmartResizeLimits kStage1Limits{
    kModelPatchGeometry.tokenSide(), 4 * kModelPatchGeometry.pixelsPerToken(),
    16384 * kModelPatchGeometry.pixelsPerToken(), SmartResizeFlavour::QwenVlUtils};

// The size with both sides multiples of `factor`, the pixel count inside [min, max] and the
// aspect ratio kept as well as possible; the exact Python arithmetic (doubles, round() ties
// to even, floor/ceil). Throws abc::Error (subject "image size") for an aspect ratio above
// 200, or, for the Transformers flavour, a side below the factor.
ImageSize smartResize(ImageSize size, const SmartResizeLimits& limits);

}  // namespace abc
