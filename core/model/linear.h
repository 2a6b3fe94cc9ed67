// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "core/model/lora_adapter.h"
#include "core/model/model_config.h"
#include "core/model/quantized_weight.h"

namespace abc {

// nn.Linear with an optional switched LoRA update (the instruct adapter), kept apart from the
// weight so switching per request copies nothing: y = W x + b [+ scaling * B (A x)].
// With weight quantization W is held by `quantized` (made after the pretrain merge) and
// `weight` is undefined; the instruct side path stays unquantized in the working dtype.
struct Linear {
    at::Tensor weight;                   // (out, in), working dtype (pretrain LoRA already merged)
    at::Tensor bias;                     // (out) or undefined
    std::optional<LoraPair> switchable;  // a, b in the working dtype
    std::optional<QuantizedWeight> quantized;

    at::Tensor operator()(const at::Tensor& x, bool adapterOn) const;
};

// LayerNorm over the last dimension (the vision tower's, eps 1e-6).
struct LayerNorm {
    at::Tensor weight;
    at::Tensor bias;
    double eps = 1e-6;

    at::Tensor operator()(const at::Tensor& x) const;
};

// Qwen2RMSNorm: normalised in float32, weight applied in the input dtype.
struct RmsNorm {
    at::Tensor weight;
    double eps = 1e-6;

    at::Tensor operator()(const at::Tensor& x) const;
};

// transformers' ACT2FN for the supported names (quick_gelu = x * sigmoid(1.702 x), gelu = erf).
at::Tensor activate(Activation activation, const at::Tensor& x);
// The same, overwriting x (a temporary the caller owns): no new activation-sized buffer.
void activateInPlace(Activation activation, at::Tensor& x);

}  // namespace abc
