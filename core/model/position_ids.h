#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace abc {

// One image's patch grid (frames, rows, columns of 14-px patches).
struct ImageGrid {
    std::int64_t t = 1;
    std::int64_t h = 0;
    std::int64_t w = 0;
};

// Position ids, 3 rows (t, h, w) of L, row-major.
using PositionIds = std::vector<std::int64_t>;

// ABC's runtime positions (the default): 0..L-1 in all three rows. Its forward computes
// get_rope_index only while rope_deltas is unset, i.e. on the first call after loading;
// every later call, and nearly all of its training, used these.
PositionIds sequentialPositions(std::int64_t length);

// Qwen2-VL's get_rope_index for images: text runs count on from the last position + 1;
// image token j of a grid with w2 = w / merge columns sits at (s, s + j / w2, s + j % w2)
// (+ frame offset in row t). Throws abc::Error("input_ids", ...) when the image tokens do not
// match the grids.
PositionIds mropePositions(const std::vector<std::int64_t>& inputIds,
                           const std::vector<ImageGrid>& grids, std::int64_t imageTokenId,
                           std::int64_t mergeSize);

}  // namespace abc
