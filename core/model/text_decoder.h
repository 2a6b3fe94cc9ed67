// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "core/model/decoder_layer.h"
#include "core/model/model_config.h"

namespace abc {

// Qwen2Model without a language-model head: token embedding, decoder layers, final norm.
struct TextDecoder {
    TextConfig config;
    // Kept in the checkpoint's dtype (exact for bf16 weights); rows are converted on lookup,
    // which spares a float32 copy of the largest tensor.
    at::Tensor embedTokens;  // (vocab, H)
    std::vector<DecoderLayer> layers;
    RmsNorm norm;

    // ids (L) int64 on the model device -> (L, H) in `dtype`
    at::Tensor embed(const at::Tensor& ids, at::ScalarType dtype) const;
    // inputsEmbeds (L, H), positions (3, L) int64 on the CPU -> last hidden state (L, H)
    at::Tensor operator()(const at::Tensor& inputsEmbeds, const at::Tensor& positions,
                          bool adapterOn) const;
};

}  // namespace abc
