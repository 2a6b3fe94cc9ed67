#include "core/model/linear.h"

namespace abc {

namespace {

// Below this many rows a CPU float32 product streams the weight rather than computing on it
// (a 29-token query reads 360 MB of weights in bench_midsize). There, W x^T (weight as the
// left operand, no transpose) runs 12-14 % faster than x W^T with MKL at 29-43 rows and
// slower from 64 rows on (measured on the development VM, 1 thread, all decoder shapes).
constexpr std::int64_t kWeightLeftMaxRows = 48;

bool weightLeftPays(const at::Tensor& x, const at::Tensor& weight) {
    return x.dim() == 2 && x.size(0) <= kWeightLeftMaxRows && x.is_cpu() &&
           x.scalar_type() == at::kFloat && weight.scalar_type() == at::kFloat;
}

}  // namespace

at::Tensor Linear::operator()(const at::Tensor& x, bool adapterOn) const {
    at::Tensor y;
    if (quantized) {
        y = (*quantized)(x);
        if (bias.defined()) {
            y.add_(bias);
        }
    } else if (weightLeftPays(x, weight)) {
        // (out, rows) = b + W x^T, then back to (rows, out).
        const at::Tensor product =
            bias.defined() ? at::addmm(bias.unsqueeze(1), weight, x.t()) : at::mm(weight, x.t());
        y = product.t().contiguous();
    } else {
        y = at::linear(x, weight, bias.defined() ? std::optional<at::Tensor>(bias) : std::nullopt);
    }
    if (adapterOn && switchable) {
        // peft: result + lora_B(lora_A(x)) * scaling
        y = y + at::linear(at::linear(x, switchable->a), switchable->b) * switchable->scaling;
    }
    return y;
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
    return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

at::Tensor RmsNorm::operator()(const at::Tensor& x) const {
    const at::Tensor h = x.to(at::kFloat);
    const at::Tensor variance = h.pow(2).mean(-1, true);
    return weight * (h * at::rsqrt(variance + eps)).to(x.scalar_type());
}

at::Tensor activate(Activation activation, const at::Tensor& x) {
    switch (activation) {
        case Activation::QuickGelu:
            return x * at::sigmoid(x * 1.702);
        case Activation::Gelu:
            return at::gelu(x);
        case Activation::GeluTanh:
            return at::gelu(x, "tanh");
        case Activation::Silu:
            return at::silu(x);
        case Activation::Relu:
            return at::relu(x);
    }
    return x;
}

void activateInPlace(Activation activation, at::Tensor& x) {
    switch (activation) {
        case Activation::QuickGelu:
            x.mul_(at::sigmoid(x * 1.702));
            return;
        case Activation::Gelu:
            at::gelu_(x);
            return;
        case Activation::GeluTanh:
            at::gelu_(x, "tanh");
            return;
        case Activation::Silu:
            at::silu_(x);
            return;
        case Activation::Relu:
            at::relu_(x);
            return;
    }
}

}  // namespace abc
