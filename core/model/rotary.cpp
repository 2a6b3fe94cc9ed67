#include "core/model/rotary.h"

#include "core/model/patch_order.h"

namespace abc {
namespace {

// transformers: 1.0 / (theta ** (arange(0, dim, 2).float() / dim)), a float32 buffer.
at::Tensor inverseFrequencies(std::int64_t dim, double theta) {
    const at::Tensor exponents = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / dim;
    return at::reciprocal(at::pow(theta, exponents));
}

at::Tensor swapHalves(const at::Tensor& x) {
    const auto half = x.size(-1) / 2;
    return at::cat({x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

}  // namespace

RotaryTable RotaryTable::to(const at::Device& device) const {
    const auto half = sin.size(-1) / 2;
    const at::Tensor signedSin = at::cat({-sin.slice(-1, 0, half), sin.slice(-1, half)}, -1);
    return {cos.to(device), sin.to(device), signedSin.to(device)};
}

at::Tensor roundThroughBf16(const at::Tensor& values) {
    return values.to(at::kBFloat16).to(at::kFloat);
}

RotaryTable visionRotary(std::int64_t gridT, std::int64_t gridH, std::int64_t gridW,
                         std::int64_t mergeSize, std::int64_t headDim) {
    // VisionRotaryEmbedding(dim = headDim / 2): inv_freq has headDim / 4 entries.
    const at::Tensor invFreq = roundThroughBf16(inverseFrequencies(headDim / 2, 10000.0));
    const auto [rows, cols] = patchCoordinates(gridT, gridH, gridW, mergeSize);
    // bf16 arange and a bf16 outer product: each coordinate and each product is rounded.
    const auto angles = [&invFreq](const std::vector<std::int64_t>& coords) {
        const at::Tensor c =
            roundThroughBf16(at::tensor(coords, at::kLong).to(at::kFloat)).unsqueeze(1);
        return roundThroughBf16(c * invFreq.unsqueeze(0));
    };
    const at::Tensor theta = at::cat({angles(rows), angles(cols)}, 1);  // (N, headDim / 2)
    const at::Tensor emb = at::cat({theta, theta}, 1);                  // (N, headDim)
    return {roundThroughBf16(emb.cos()), roundThroughBf16(emb.sin()), {}};
}

RotaryTable textRotary(const at::Tensor& positions, std::int64_t headDim, double theta,
                       const std::array<std::int64_t, 3>& sections) {
    const at::Tensor invFreq = roundThroughBf16(inverseFrequencies(headDim, theta));
    // (3, L, headDim / 2) float32 products, then [freqs, freqs].
    const at::Tensor freqs = positions.to(at::kFloat).unsqueeze(2) * invFreq.view({1, 1, -1});
    const at::Tensor emb = at::cat({freqs, freqs}, 2);
    const at::Tensor cos = emb.cos();
    const at::Tensor sin = emb.sin();
    std::vector<at::Tensor> cosParts;
    std::vector<at::Tensor> sinParts;
    std::int64_t start = 0;
    for (int i = 0; i < 6; ++i) {
        const std::int64_t width = sections[i % 3];
        cosParts.push_back(cos[i % 3].slice(1, start, start + width));
        sinParts.push_back(sin[i % 3].slice(1, start, start + width));
        start += width;
    }
    return {at::cat(cosParts, 1).contiguous(), at::cat(sinParts, 1).contiguous(), {}};
}

at::Tensor applyRotary(const at::Tensor& x, const RotaryTable& table) {
    const at::Tensor h = x.to(at::kFloat);
    std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
    shape.front() = x.size(0);
    shape.back() = x.size(-1);
    // h * cos + rotate_half(h) * sin, the products and the sum rounded as upstream rounds
    // them, in three passes and two buffers.
    at::Tensor rotated = swapHalves(h);
    rotated.mul_(table.rotateSin.view(shape));
    at::Tensor out = h * table.cos.view(shape);
    out.add_(rotated);
    return out.to(x.scalar_type());
}

}  // namespace abc
