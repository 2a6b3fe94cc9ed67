// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "core/model/linear.h"
#include "core/model/rotary.h"

namespace abc {

// Qwen2VLVisionBlock: x += proj(attn(LN1(x))); x += fc2(act(fc1(LN2(x)))), act = quick_gelu
// for Qwen2-VL.
struct VisionBlock {
    LayerNorm norm1;
    LayerNorm norm2;
    Linear qkv;
    Linear proj;
    Linear fc1;
    Linear fc2;
    std::int64_t numHeads = 0;
    Activation activation = Activation::QuickGelu;

    // x (N, E) holds the patches of several images back to back; imageRows gives each
    // image's row count, and attention never crosses from one image to another.
    at::Tensor operator()(const at::Tensor& x, const RotaryTable& rotary,
                          const std::vector<std::int64_t>& imageRows, bool adapterOn) const;
};

}  // namespace abc
