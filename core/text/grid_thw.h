#pragma once

#include <cstdint>

namespace abc {

// An image's (or video's) patch grid as Qwen2-VL's processor reports it: temporal, height
// and width in 14-px patches before the 2x2 merger (image_grid_thw).
struct GridThw {
    std::int64_t t = 0;
    std::int64_t h = 0;
    std::int64_t w = 0;
};

// <|image_pad|> tokens the grid occupies in the prompt: t*h*w / merge^2. Throws abc::Error
// when the grid is empty or its height or width is not a multiple of the merge size.
std::int64_t imageTokenCount(const GridThw& grid, std::int64_t mergeSize = 2);

}  // namespace abc
