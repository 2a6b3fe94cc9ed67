#pragma once

#include <string>
#include <string_view>

namespace abc {

// Checkpoints name tensors the transformers 4.x way (`model.layers.N...`, `visual.blocks.N...`);
// transformers 5.x nests them (`model.language_model.layers.N...`, `model.visual...`). The
// engine binds everything by the 4.x ("canonical") name; this is the only translation.
std::string canonicalTensorName(std::string_view checkpointName);

// PEFT stores adapter tensors under the wrapped model: `base_model.model.<module>.lora_A.weight`.
inline constexpr std::string_view kPeftPrefix = "base_model.model.";

}  // namespace abc
