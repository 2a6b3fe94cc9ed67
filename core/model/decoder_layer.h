// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include "core/model/linear.h"
#include "core/model/rotary.h"

namespace abc {

// Qwen2 decoder layer as ABC runs it: GQA self-attention with M-RoPE and NO causal mask
// (ABC sets is_causal=False; one sequence, no padding, so no mask at all), then SwiGLU MLP.
struct DecoderLayer {
    RmsNorm inputNorm;
    RmsNorm postAttentionNorm;
    Linear qProj;
    Linear kProj;
    Linear vProj;
    Linear oProj;
    Linear gateProj;
    Linear upProj;
    Linear downProj;
    std::int64_t numHeads = 0;
    std::int64_t numKeyValueHeads = 0;
    Activation activation = Activation::Silu;

    // x (L, H) -> (L, H)
    at::Tensor operator()(const at::Tensor& x, const RotaryTable& rotary, bool adapterOn) const;
};

}  // namespace abc
