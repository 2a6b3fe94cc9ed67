#pragma once

#include <cstdint>
#include <vector>

namespace abc {

// What the image front-end hands the model: Qwen2VLImageProcessor's flattened patches.
// values is row-major (rows, patchDim) float32 with patchDim = C * temporal * patch * patch
// (3 * 2 * 14 * 14 = 1176 for Qwen2-VL); rows = gridT * gridH * gridW, ordered by 2x2 merge
// windows (see core/image/patchify.h). gridH/gridW count 14-px patches.
struct ImagePatches {
    std::vector<float> values;
    std::int64_t rows = 0;
    std::int64_t patchDim = 0;
    std::int64_t gridT = 0;
    std::int64_t gridH = 0;
    std::int64_t gridW = 0;

    // Tokens the image occupies in the prompt after the merger (merge x merge patches -> 1).
    std::int64_t tokenCount(std::int64_t mergeSize = 2) const {
        return gridT * gridH * gridW / (mergeSize * mergeSize);
    }
};

}  // namespace abc
