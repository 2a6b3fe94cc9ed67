// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

namespace abc {

// Conv3d(C -> E, kernel = stride = (T, P, P), no bias) on flattened patches is one matmul:
// each patch row is laid out [c][t][py][px] exactly like the kernel, so
// pixels (N, C*T*P*P) @ W.reshape(E, C*T*P*P)^T. A matmul also keeps cuDNN's TF32
// convolutions out of the float32 path.
struct PatchEmbed {
    at::Tensor weight;  // (E, C*T*P*P)

    at::Tensor operator()(const at::Tensor& pixels) const { return at::linear(pixels, weight); }
};

}  // namespace abc
