#pragma once

#include "core/image/image_patches.h"
#include "core/image/patch_geometry.h"
#include "core/image/rgb_image.h"

namespace abc {

// Qwen2VLImageProcessor steps after the resize, exactly: x = float32(float64(u8) * (1/255)),
// then float32 (x - mean) / std with OpenAI CLIP mean/std, channels first; the single frame
// repeated temporalPatchSize times; flattened to (gridT*gridH*gridW, C*T*P*P) rows in
// merge-window order: windows row-major, inside a window (0,0) (0,1) (1,0) (1,1); each row
// [c][t][py][px]. Both sides of `image` must be multiples of geometry.tokenSide().
ImagePatches patchify(const RgbImage& image, const PatchGeometry& geometry = {});

}  // namespace abc
