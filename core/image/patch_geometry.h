#pragma once

#include <cstdint>

namespace abc {

// How the vision tower cuts an image into tokens: square patches of patchSize pixels, each
// patch repeated temporalPatchSize times for a still image, and mergeSize x mergeSize patches
// merged into one token. The defaults are Qwen2-VL's vision_config (patch_size 14,
// temporal_patch_size 2, spatial_merge_size 2); the model's VisionConfig starts from them, and
// every pixel budget and resize factor on the image side is derived from them here.
struct PatchGeometry {
    int patchSize = 14;
    int temporalPatchSize = 2;
    int mergeSize = 2;

    // The side of the pixel square one token covers (28 for Qwen2-VL): resized images are
    // multiples of it.
    constexpr int tokenSide() const { return patchSize * mergeSize; }
    // Pixels per image token: "max_pixels / 28^2" image tokens.
    constexpr std::int64_t pixelsPerToken() const {
        return std::int64_t{tokenSide()} * tokenSide();
    }
};

// The geometry of the model ABC runs.
inline constexpr PatchGeometry kModelPatchGeometry{};

}  // namespace abc
