#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/image/patch_geometry.h"

namespace abc {

// The activations transformers' ACT2FN offers that Qwen2-VL configurations use.
enum class Activation { QuickGelu, Gelu, GeluTanh, Silu, Relu };
// Throws abc::Error(subject, ...) for a name the engine does not implement.
Activation parseActivation(const std::string& name, const std::string& subject);

// Qwen2-VL vision tower hyper-parameters. Defaults are transformers' Qwen2VLVisionConfig
// ones: the hub config.json of Qwen2-VL-7B-Instruct spells out only a few fields.
struct VisionConfig {
    std::int64_t depth = 32;
    std::int64_t embedDim = 1280;
    std::int64_t hiddenSize = 3584;  // merger output = the language model's hidden size
    std::int64_t numHeads = 16;
    std::int64_t inChannels = 3;
    std::int64_t patchSize = kModelPatchGeometry.patchSize;
    std::int64_t spatialMergeSize = kModelPatchGeometry.mergeSize;
    std::int64_t temporalPatchSize = kModelPatchGeometry.temporalPatchSize;
    double mlpRatio = 4.0;
    std::string hiddenAct = "quick_gelu";

    std::int64_t headDim() const { return embedDim / numHeads; }
    std::int64_t mlpHiddenDim() const { return static_cast<std::int64_t>(embedDim * mlpRatio); }
    std::int64_t patchDim() const { return inChannels * temporalPatchSize * patchSize * patchSize; }
    std::int64_t mergedDim() const { return embedDim * spatialMergeSize * spatialMergeSize; }
};

// The Qwen2 language model.
struct TextConfig {
    std::int64_t hiddenSize = 3584;
    std::int64_t numLayers = 28;
    std::int64_t numHeads = 28;
    std::int64_t numKeyValueHeads = 4;
    std::int64_t intermediateSize = 18944;
    std::int64_t vocabSize = 152064;
    double rmsNormEps = 1e-6;
    double ropeTheta = 1000000.0;
    std::array<std::int64_t, 3> mropeSection{16, 24, 24};
    std::string hiddenAct = "silu";

    std::int64_t headDim() const { return hiddenSize / numHeads; }
};

// Special token ids, read from config.json (the tokenizer agrees with them).
struct SpecialTokens {
    std::int64_t imageToken = 151655;
    std::int64_t visionStart = 151652;
    std::int64_t visionEnd = 151653;
};

struct ModelConfig {
    VisionConfig vision;
    TextConfig text;
    SpecialTokens tokens;

    // Reads a Qwen2VLForConditionalGeneration config.json; throws abc::Error naming the file
    // and the setting for anything missing, malformed, out of range or not implemented.
    static ModelConfig fromFile(const std::filesystem::path& configJson);
    static ModelConfig fromJsonText(const std::string& text, const std::string& origin);

    // Throws abc::Error(origin + ": <setting>", ...) for inconsistent values.
    void validate(const std::string& origin) const;
};

}  // namespace abc
