#pragma once

#include <cstdint>
#include <vector>

#include "core/text/grid_thw.h"

namespace abc {

// Rotary position ids for the three M-RoPE sections (temporal, height, width) of a
// sequence of L tokens, stored row-major as 3 x L.
struct PositionIds {
    std::int64_t length = 0;
    std::vector<std::int64_t> values;  // (3, L)

    std::int64_t at(int row, std::int64_t column) const {
        return values[static_cast<std::size_t>(row * length + column)];
    }
};

// 0..L-1 in all three rows: ABC's canonical positions (README 2.5).
PositionIds sequentialPositions(std::int64_t length);

struct MropeTokens {
    std::int64_t imageTokenId = 151655;        // <|image_pad|>
    std::int64_t visionStartTokenId = 151652;  // <|vision_start|>
    std::int64_t spatialMergeSize = 2;
};

// Qwen2-VL's get_rope_index (transformers 4.47) for one unpadded sequence with images:
// text runs count on from the previous maximum + 1 in all rows; image i (the i-th
// <|vision_start|> followed by <|image_pad|>, grid `grids[i]`) occupies
// t*(h/m)*(w/m) tokens at (start + t_idx, start + h_idx, start + w_idx). Throws abc::Error
// when the ids and the grids do not agree (missing grids, too few image tokens). With no
// grids at all the positions are sequential, as in transformers.
PositionIds mropePositions(const std::vector<std::int64_t>& ids, const std::vector<GridThw>& grids,
                           const MropeTokens& tokens = {});

}  // namespace abc
