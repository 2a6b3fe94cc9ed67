// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "core/model/weight_quantization.h"

namespace abc {

// A linear layer's weight, quantized once at load time, and its product with activations.
//
// The products run on libtorch's weight-only kernels where they take the shape:
//   - int8, CPU and CUDA: at::_weight_int8pack_mm (codes (out, in) int8, one bf16 scale per
//     output channel); CPU needs in % 16 == 0 (other widths read past the row).
//   - int4, CPU: at::_convert_weight_to_int4pack_for_cpu + at::_weight_int4pack_mm_for_cpu
//     (out % 16 == 0, group 32/64/128/256).
//   - int4, CUDA: at::_convert_weight_to_int4pack + at::_weight_int4pack_mm (out % 8 == 0,
//     in % 32 == 0).
// The kernels are fast only with bf16 activations on the CPU (float32 and float16 take a
// reference loop 30-100x slower, measured with libtorch 2.11 on AVX-512 BF16), so activations
// enter them as bf16 and leave in their own dtype. Other shapes keep the same codes unpacked
// and dequantize them into the activation dtype before an ordinary matmul.
//
// Dequantized value: int8 w = q * scale; int4 w = (q - 8) * scale + zero (the kernels' form),
// with scale and zero held in bf16 and the codes chosen against the rounded values.
class QuantizedWeight {
  public:
    // `weight`: (out, in) float32 on the CPU (the pretrain LoRA already merged). The packed
    // result lives on `device`; `weight` is only read.
    static QuantizedWeight quantize(const at::Tensor& weight, WeightQuantization kind,
                                    const at::Device& device);

    // x (..., in) -> (..., out) in x's dtype.
    at::Tensor operator()(const at::Tensor& x) const;
    // The weight the products compute with, (out, in) float32 on the weight's device (int8,
    // and int4 outside a kernel: the packed int4 layout has no plain form; throws there).
    at::Tensor dequantized() const;

    WeightQuantization kind() const { return kind_; }
    std::int64_t outFeatures() const { return out_; }
    std::int64_t inFeatures() const { return in_; }
    std::int64_t groupSize() const { return group_; }
    bool usesKernel() const { return kernel_; }
    std::int64_t bytes() const;

  private:
    WeightQuantization kind_ = WeightQuantization::Int8;
    std::int64_t out_ = 0;
    std::int64_t in_ = 0;
    std::int64_t group_ = 0;
    bool kernel_ = false;
    std::int64_t innerKTiles_ = 0;  // CUDA int4 packing
    at::Tensor codes_;              // kernel layout, or (out, in) int8 / uint8 codes
    at::Tensor scales_;             // int8: (out) bf16; int4: (in / group, out, 2) bf16
};

}  // namespace abc
