// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "core/model/model_config.h"
#include "core/model/patch_embed.h"
#include "core/model/patch_merger.h"
#include "core/model/vision_block.h"
#include "core/text/grid_thw.h"

namespace abc {

// Qwen2VisionTransformerPretrainedModel: patches of one or more images -> one embedding per
// merge window, in the order the image pads appear in the prompt.
struct VisionTower {
    VisionConfig config;
    PatchEmbed patchEmbed;
    std::vector<VisionBlock> blocks;
    PatchMerger merger;

    // pixels (N, patchDim) in the working dtype on the model's device; patchEmbedOut receives
    // the patch embedding when not null (intermediates for tests).
    at::Tensor operator()(const at::Tensor& pixels, const std::vector<GridThw>& grids,
                          bool adapterOn, at::Tensor* patchEmbedOut = nullptr) const;
};

}  // namespace abc
