#include "core/model/vision_tower.h"

namespace abc {

at::Tensor VisionTower::operator()(const at::Tensor& pixels, const std::vector<GridThw>& grids,
                                   bool adapterOn, at::Tensor* patchEmbedOut) const {
    at::Tensor x = patchEmbed(pixels);  // (N, E)
    if (patchEmbedOut) {
        *patchEmbedOut = x;
    }
    std::vector<at::Tensor> cosParts;
    std::vector<at::Tensor> sinParts;
    std::vector<std::int64_t> imageRows;
    for (const auto& grid : grids) {
        const RotaryTable table =
            visionRotary(grid.t, grid.h, grid.w, config.spatialMergeSize, config.headDim());
        cosParts.push_back(table.cos);
        sinParts.push_back(table.sin);
        // transformers' cu_seqlens: attention stays within one frame of one image.
        for (std::int64_t frame = 0; frame < grid.t; ++frame) {
            imageRows.push_back(grid.h * grid.w);
        }
    }
    const RotaryTable rotary =
        RotaryTable{at::cat(cosParts, 0), at::cat(sinParts, 0), {}}.to(x.device());
    for (const auto& block : blocks) {
        x = block(x, rotary, imageRows, adapterOn);
    }
    return merger(x, adapterOn);
}

}  // namespace abc
