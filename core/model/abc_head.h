// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include "core/model/linear.h"

namespace abc {

// ABC's pooling and projection head (modules_to_save of the pretrain adapter).
struct AbcHead {
    Linear layer1;  // mlp_head.linear_layer1 (M, H)
    Linear layer2;  // mlp_head.linear_layer2 (H, M)

    // ABC's get_mean_token_embed with padding id 0, quirk included: tokens whose id is 0
    // (in Qwen2's vocabulary that is "!", not padding) are left out of the sum, yet the sum
    // is divided by the FULL sequence length L. "!!! wow!" therefore pools fewer vectors
    // than it divides by. hidden (L, H), ids (L) -> (H)
    static at::Tensor pool(const at::Tensor& hidden, const at::Tensor& ids);

    // y = x + W2 SELU(W1 x + b1) + b2, then y / max(||y||, 1e-12); returned in float32.
    at::Tensor operator()(const at::Tensor& pooled) const;
};

}  // namespace abc
