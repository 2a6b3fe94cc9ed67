// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <optional>

#include "core/model/abc_head.h"
#include "core/model/checkpoint_reader.h"
#include "core/model/lora_adapter.h"
#include "core/model/model_config.h"
#include "core/model/text_decoder.h"
#include "core/model/vision_tower.h"
#include "core/model/weight_quantization.h"

namespace abc {

// Everything the forward pass reads, on one device in one working dtype.
struct ModelWeights {
    VisionTower vision;
    TextDecoder text;
    AbcHead head;
    std::int64_t bytes = 0;     // every bound tensor, as held (working dtype; embedding as stored)
    QuantizedLayers quantized;  // every quantized linear, in binding order (empty: none)
};

// Where the numbers come from: a checkpoint (plus adapters), or random values for benchmarks.
struct WeightSources {
    std::shared_ptr<const CheckpointReader> checkpoint;  // null: random weights
    LoraAdapter* mergedAdapter = nullptr;    // pretrain adapter: merged, provides the head
    LoraAdapter* switchedAdapter = nullptr;  // instruct adapter: kept apart, switched per request
    std::int64_t randomHeadDim = 4096;       // head width M for random weights
    std::uint64_t randomSeed = 0;
    // Random weights shaped like a bf16 checkpoint's: every value rounded to bf16, the
    // embedding table held in bf16 (as a checkpoint's), and in each linear weight 1 % of the
    // input channels (at least one) scaled by 8, the outlier channels real LLM weights have
    // (they set every output channel's int8 range, and their groups' int4 range).
    bool randomCheckpointLike = false;
    WeightQuantization quantization = WeightQuantization::None;  // of every LLM/vision linear
};

// The one place that binds checkpoint tensor names (canonical, transformers 4.x) to the
// model's parts. Shapes are checked against the configuration; errors name file and tensor.
// lm_head is never read.
ModelWeights bindWeights(const ModelConfig& config, const WeightSources& sources,
                         const at::Device& device, at::ScalarType dtype);

}  // namespace abc
