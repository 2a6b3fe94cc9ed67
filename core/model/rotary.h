// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <array>
#include <cstdint>

namespace abc {

// cos/sin per token and rotary dimension, float32 on the CPU, (L, headDim).
struct RotaryTable {
    at::Tensor cos;
    at::Tensor sin;
    // sin with its first half negated, so that rotate_half(x) * sin == swapHalves(x) * this
    // exactly (a sign flip is exact): applyRotary then needs no negation pass. Set by to().
    at::Tensor rotateSin;

    RotaryTable to(const at::Device& device) const;
};

// Round float32 values to bfloat16 (nearest-even) and back.
at::Tensor roundThroughBf16(const at::Tensor& values);

// The vision tower's 2-D rotary for one image of gridH x gridW patches (gridT frames), in
// merge-window row order. ABC runs its model cast to bf16, rotary buffers included, so the
// table is what that runtime holds in every precision mode: inv_freq rounded to bf16, the
// patch coordinate (bf16 arange) times inv_freq rounded to bf16, cos/sin rounded to bf16.
RotaryTable visionRotary(std::int64_t gridT, std::int64_t gridH, std::int64_t gridW,
                         std::int64_t mergeSize, std::int64_t headDim);

// The language model's M-RoPE for positions (3, L) int64: inv_freq rounded to bf16 (ABC's
// runtime buffer), then float32 products and cos/sin; the head dimension is split into
// sections [s0, s1, s2, s0, s1, s2] taken from position rows t, h, w, t, h, w.
RotaryTable textRotary(const at::Tensor& positions, std::int64_t headDim, double theta,
                       const std::array<std::int64_t, 3>& sections);

// x (L, ..., headDim) rotated in float32 with rotate_half, returned in x's dtype; the table
// row of a token applies to every head (and to q and k at once when they are stacked).
at::Tensor applyRotary(const at::Tensor& x, const RotaryTable& table);

}  // namespace abc
