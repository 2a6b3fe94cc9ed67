#include "core/model/vision_block.h"

#include <cmath>

namespace abc {

at::Tensor VisionBlock::operator()(const at::Tensor& x, const RotaryTable& rotary,
                                   const std::vector<std::int64_t>& imageRows,
                                   bool adapterOn) const {
    const std::int64_t n = x.size(0);
    const std::int64_t embedDim = x.size(1);
    const std::int64_t headDim = embedDim / numHeads;
    // (N, 3, heads, headDim) -> q, k, v (N, heads, headDim)
    const at::Tensor packed = qkv(norm1(x), adapterOn).view({n, 3, numHeads, headDim});
    const at::Tensor qk = applyRotary(packed.slice(1, 0, 2), rotary);  // q and k in one pass
    const at::Tensor q = qk.select(1, 0);
    const at::Tensor k = qk.select(1, 1);
    const at::Tensor v = packed.select(1, 2);

    // One attention per image (cu_seqlens in transformers): a block-diagonal mask, computed
    // as separate products so no work is spent on the masked-out blocks.
    std::vector<at::Tensor> outputs;
    std::int64_t start = 0;
    for (const std::int64_t rows : imageRows) {
        const auto slice = [&](const at::Tensor& t) {
            return t.slice(0, start, start + rows).transpose(0, 1).unsqueeze(0);  // (1,h,n,d)
        };
        const at::Tensor attended = at::scaled_dot_product_attention(
            slice(q), slice(k), slice(v), std::nullopt, 0.0, false, 1.0 / std::sqrt(headDim));
        outputs.push_back(attended.squeeze(0).transpose(0, 1).reshape({rows, embedDim}));
        start += rows;
    }
    const at::Tensor attention = outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0);
    // Residual sums accumulate into the fresh projection outputs (a + b == b + a exactly).
    at::Tensor h = proj(attention, adapterOn);
    h.add_(x);
    at::Tensor hidden = fc1(norm2(h), adapterOn);
    activateInPlace(activation, hidden);
    at::Tensor out = fc2(hidden, adapterOn);
    out.add_(h);
    return out;
}

}  // namespace abc
