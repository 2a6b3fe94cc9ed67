#include "core/model/decoder_layer.h"

#include <cmath>

namespace abc {

at::Tensor DecoderLayer::operator()(const at::Tensor& x, const RotaryTable& rotary,
                                    bool adapterOn) const {
    const std::int64_t length = x.size(0);
    const std::int64_t hidden = x.size(1);
    const std::int64_t headDim = hidden / numHeads;
    const at::Tensor h = inputNorm(x);
    const at::Tensor q = applyRotary(qProj(h, adapterOn).view({length, numHeads, headDim}), rotary);
    const at::Tensor k =
        applyRotary(kProj(h, adapterOn).view({length, numKeyValueHeads, headDim}), rotary);
    const at::Tensor v = vProj(h, adapterOn).view({length, numKeyValueHeads, headDim});
    // Query head i reads key/value head i / (heads / kv_heads).
    const auto heads = [](const at::Tensor& t) { return t.transpose(0, 1).unsqueeze(0); };
    const at::Tensor attended = at::scaled_dot_product_attention(
        heads(q), heads(k), heads(v), std::nullopt, 0.0, /*is_causal=*/false,
        1.0 / std::sqrt(static_cast<double>(headDim)), /*enable_gqa=*/numHeads != numKeyValueHeads);
    const at::Tensor attention = attended.squeeze(0).transpose(0, 1).reshape({length, hidden});
    // Residual sums accumulate into the fresh projection outputs (a + b == b + a exactly).
    at::Tensor residual = oProj(attention, adapterOn);
    residual.add_(x);
    const at::Tensor m = postAttentionNorm(residual);
    at::Tensor gate = gateProj(m, adapterOn);
    activateInPlace(activation, gate);
    gate.mul_(upProj(m, adapterOn));
    at::Tensor out = downProj(gate, adapterOn);
    out.add_(residual);
    return out;
}

}  // namespace abc
