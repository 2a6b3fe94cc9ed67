#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace abc {

// Patch (row, column) of each patch row in Qwen2-VL's order: frames, then merge windows in
// row-major order, then the patches of a window row-major ((0,0), (0,1), (1,0), (1,1) for 2x2).
std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> patchCoordinates(
    std::int64_t gridT, std::int64_t gridH, std::int64_t gridW, std::int64_t mergeSize);

}  // namespace abc
