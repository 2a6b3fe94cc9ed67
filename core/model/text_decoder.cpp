#include "core/model/text_decoder.h"

namespace abc {

at::Tensor TextDecoder::embed(const at::Tensor& ids, at::ScalarType dtype) const {
    return at::embedding(embedTokens, ids.to(embedTokens.device())).to(ids.device(), dtype);
}

at::Tensor TextDecoder::operator()(const at::Tensor& inputsEmbeds, const at::Tensor& positions,
                                   bool adapterOn) const {
    const RotaryTable rotary =
        textRotary(positions, config.headDim(), config.ropeTheta, config.mropeSection)
            .to(inputsEmbeds.device());
    at::Tensor x = inputsEmbeds;
    for (const auto& layer : layers) {
        x = layer(x, rotary, adapterOn);
    }
    return norm(x);
}

}  // namespace abc
