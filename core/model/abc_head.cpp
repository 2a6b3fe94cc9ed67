#include "core/model/abc_head.h"

namespace abc {

at::Tensor AbcHead::pool(const at::Tensor& hidden, const at::Tensor& ids) {
    const at::Tensor keep = (ids != 0).to(hidden.scalar_type()).unsqueeze(1);  // (L, 1)
    return (hidden * keep).sum(0) / static_cast<double>(hidden.size(0));
}

at::Tensor AbcHead::operator()(const at::Tensor& pooled) const {
    const at::Tensor y = pooled + layer2(at::selu(layer1(pooled, false)), false);
    const at::Tensor y32 = y.to(at::kFloat);
    return y32 / at::clamp_min(y32.norm(2), 1e-12);
}

}  // namespace abc
