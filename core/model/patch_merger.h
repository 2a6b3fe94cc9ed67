// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include "core/model/linear.h"

namespace abc {

// PatchMerger: LayerNorm per patch, each merge window's patches (consecutive rows)
// concatenated, then Linear -> exact (erf) GELU -> Linear to the language model's width.
struct PatchMerger {
    LayerNorm norm;               // ln_q
    Linear fc1;                   // mlp.0
    Linear fc2;                   // mlp.2
    std::int64_t windowSize = 4;  // spatial_merge_size^2

    at::Tensor operator()(const at::Tensor& x, bool adapterOn) const {
        const at::Tensor windows = norm(x).reshape({-1, x.size(1) * windowSize});
        return fc2(at::gelu(fc1(windows, adapterOn)), adapterOn);
    }
};

}  // namespace abc
