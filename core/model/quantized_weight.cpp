#include "core/model/quantized_weight.h"

#include <string>

#include "core/io/error.h"

namespace abc {
namespace {

// A zero row or group still needs a scale bf16 can hold and a division can use.
constexpr double kSmallestScale = 1e-12;

// bf16 round trip: the value the kernels will multiply with.
at::Tensor heldAsBf16(const at::Tensor& t) {
    return t.to(at::kBFloat16).to(at::kFloat);
}

bool int8KernelFits(std::int64_t in) {
    return in % 16 == 0;
}

bool int4KernelFits(std::int64_t out, std::int64_t in, std::int64_t group, bool cuda) {
    const bool groupTaken = group == 32 || group == 64 || group == 128 || group == 256;
    if (!groupTaken || in % group != 0) {
        return false;
    }
    return cuda ? out % 8 == 0 && in % 32 == 0 : out % 16 == 0;
}

std::int64_t cudaInnerKTiles(std::int64_t in) {
    for (const std::int64_t tiles : {8, 4, 2}) {
        if (in % (tiles * 16) == 0) {
            return tiles;
        }
    }
    return 2;
}

}  // namespace

QuantizedWeight QuantizedWeight::quantize(const at::Tensor& weight, WeightQuantization kind,
                                          const at::Device& device) {
    if (weight.dim() != 2 || weight.scalar_type() != at::kFloat || !weight.is_cpu()) {
        throw Error("quantize", "expects a (out, in) float32 CPU weight");
    }
    if (kind == WeightQuantization::None) {
        throw Error("quantize", "no quantization requested");
    }
    QuantizedWeight q;
    q.kind_ = kind;
    q.out_ = weight.size(0);
    q.in_ = weight.size(1);
    const at::Tensor w = weight.contiguous();

    if (kind == WeightQuantization::Int8) {
        // Symmetric per output channel: |q| <= 127 keeps the code range symmetric.
        q.group_ = q.in_;
        const at::Tensor scale = heldAsBf16((w.abs().amax({1}) / 127.0).clamp_min(kSmallestScale));
        at::Tensor codes = w / scale.unsqueeze(1);
        codes.round_().clamp_(-127, 127);
        q.codes_ = codes.to(at::kChar).to(device);
        q.scales_ = scale.to(device, at::kBFloat16);
        q.kernel_ = int8KernelFits(q.in_);
        return q;
    }

    // Asymmetric per group: the group's [min, max] onto codes 0..15.
    q.group_ = int4GroupSize(q.in_);
    const std::int64_t groups = q.in_ / q.group_;
    const at::Tensor grouped = w.view({q.out_, groups, q.group_});
    const at::Tensor low = grouped.amin({2});
    const at::Tensor high = grouped.amax({2});
    const at::Tensor scale = heldAsBf16(((high - low) / 15.0).clamp_min(kSmallestScale));
    const at::Tensor zero = heldAsBf16(low + scale * 8.0);
    at::Tensor codes = (grouped - zero.unsqueeze(2)) / scale.unsqueeze(2);
    codes.add_(8.0).round_().clamp_(0, 15);
    codes = codes.view({q.out_, q.in_});
    // (in / group, out, 2): the kernels' scale-and-zero layout, kept in the fallback too.
    q.scales_ = at::stack({scale, zero}, 2).transpose(0, 1).contiguous().to(device, at::kBFloat16);
    q.kernel_ = int4KernelFits(q.out_, q.in_, q.group_, device.is_cuda());
    if (!q.kernel_) {
        q.codes_ = codes.to(at::kByte).to(device);
    } else if (device.is_cuda()) {
        // Two codes per byte, the even column in the high nibble, as the CUDA packer reads.
        const at::Tensor c = codes.to(at::kInt);
        using at::indexing::None;
        using at::indexing::Slice;
        const at::Tensor pairs = (c.index({Slice(), Slice(0, None, 2)}).bitwise_left_shift(4))
                                     .bitwise_or(c.index({Slice(), Slice(1, None, 2)}))
                                     .to(at::kByte);
        q.innerKTiles_ = cudaInnerKTiles(q.in_);
        q.codes_ = at::_convert_weight_to_int4pack(pairs.to(device), q.innerKTiles_);
    } else {
        q.codes_ = at::_convert_weight_to_int4pack_for_cpu(codes.to(at::kInt), 1);
    }
    return q;
}

at::Tensor QuantizedWeight::operator()(const at::Tensor& x) const {
    if (x.size(-1) != in_) {
        throw Error("quantized linear", "input width " + std::to_string(x.size(-1)) +
                                            " does not match the weight's " + std::to_string(in_));
    }
    std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = out_;
    const at::Tensor rows = x.reshape({-1, in_});
    at::Tensor y;
    if (kernel_) {
        const at::Tensor input = rows.to(at::kBFloat16).contiguous();
        if (kind_ == WeightQuantization::Int8) {
            y = at::_weight_int8pack_mm(input, codes_, scales_);
        } else if (codes_.is_cuda()) {
            y = at::_weight_int4pack_mm(input, codes_, group_, scales_);
        } else {
            y = at::_weight_int4pack_mm_for_cpu(input, codes_, group_, scales_);
        }
        y = y.to(x.scalar_type());
    } else {
        y = at::mm(rows, dequantized().to(x.scalar_type()).t());
    }
    return y.view(shape);
}

at::Tensor QuantizedWeight::dequantized() const {
    if (kernel_ && kind_ == WeightQuantization::Int4) {
        throw Error("quantized linear", "int4 kernel layout has no plain dequantized form");
    }
    if (kind_ == WeightQuantization::Int8) {
        return codes_.to(at::kFloat) * scales_.to(at::kFloat).unsqueeze(1);
    }
    const std::int64_t groups = in_ / group_;
    const at::Tensor scale = scales_.select(2, 0).to(at::kFloat).t().unsqueeze(2);  // (out,g,1)
    const at::Tensor zero = scales_.select(2, 1).to(at::kFloat).t().unsqueeze(2);
    const at::Tensor codes = codes_.to(at::kFloat).view({out_, groups, group_});
    return ((codes - 8.0) * scale + zero).view({out_, in_});
}

std::int64_t QuantizedWeight::bytes() const {
    return static_cast<std::int64_t>(codes_.nbytes() + scales_.nbytes());
}

}  // namespace abc
