#pragma once

#include <cstdint>
#include <vector>

#include "core/image/patch_geometry.h"
#include "core/text/grid_thw.h"

namespace abc {

// What the image front-end hands the model: Qwen2VLImageProcessor's flattened patches.
// values is row-major (rows, patchDim) float32 with patchDim = C * temporal * patch * patch
// (3 * 2 * 14 * 14 = 1176 for Qwen2-VL); rows = grid.t * grid.h * grid.w, ordered by 2x2
// merge windows (see core/image/patchify.h). The grid counts 14-px patches, in the type the
// prompt and position code take as it is (image_grid_thw).
struct ImagePatches {
    std::vector<float> values;
    std::int64_t rows = 0;
    std::int64_t patchDim = 0;
    GridThw grid;

    // Tokens the image occupies in the prompt after the merger (merge x merge patches -> 1).
    std::int64_t tokenCount(std::int64_t mergeSize = kModelPatchGeometry.mergeSize) const {
        return grid.t * grid.h * grid.w / (mergeSize * mergeSize);
    }
};

}  // namespace abc
