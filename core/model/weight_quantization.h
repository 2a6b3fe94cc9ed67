#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace abc {

// How the linear layers of the language model and the vision tower hold their weights.
// None: as the checkpoint stores them (bf16), converted to the working precision. Int8: one
// signed byte per weight and one scale per output channel. Int4: 4 bits per weight, a scale
// and a zero point per group of 128 input channels (a smaller group where the layer's input
// width is not a multiple of 128, see int4GroupSize). Made at load time from the checkpoint;
// the embedding table, norms, patch embedding and ABC's head stay unquantized.
enum class WeightQuantization { None, Int8, Int4 };

// "bf16", "int8", "int4": the CLI's --weights values and the settings file's.
std::string weightQuantizationName(WeightQuantization quantization);
// The inverse; abc::Error naming `subject` for anything else.
WeightQuantization parseWeightQuantization(const std::string& name, const std::string& subject);

// The int4 group for a layer with `inFeatures` input channels: 128 when it divides the width,
// else 64 or 32 (the group sizes libtorch's int4 kernels take), else the largest divisor of
// the width below 128 (no kernel takes it: that layer dequantizes before its matmul).
std::int64_t int4GroupSize(std::int64_t inFeatures);

// One quantized layer as loaded, for tests, benchmarks and documentation.
struct QuantizedLayerInfo {
    std::string module;  // checkpoint module name, e.g. "model.layers.0.mlp.up_proj"
    std::int64_t outFeatures = 0;
    std::int64_t inFeatures = 0;
    std::int64_t groupSize = 0;  // input channels per scale (int8: inFeatures)
    bool atenKernel = false;     // false: dequantized to the activation dtype, then a matmul
    std::int64_t bytes = 0;      // codes + scales (+ zero points) as held
};

using QuantizedLayers = std::vector<QuantizedLayerInfo>;

}  // namespace abc
