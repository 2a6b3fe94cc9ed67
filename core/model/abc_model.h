#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/image/image_patches.h"
#include "core/model/embedder.h"
#include "core/model/model_config.h"

namespace abc {

// The three checkpoint folders, already resolved. An empty instruct path: no instruct adapter.
struct ModelFolders {
    std::filesystem::path base;
    std::filesystem::path pretrainAdapter;
    std::filesystem::path instructAdapter;
};

struct EngineOptions {
    std::string device = "cpu";
    std::optional<Precision> precision;
    PositionMode positions = PositionMode::Sequential;
    int cpuThreads = 0;
    WeightQuantization weights = WeightQuantization::None;
};

// Per-stage tensors of one forward pass (float32 copies), keyed like the reference
// intermediates: vision_patch_embed, vision_out, inputs_embeds, last_hidden_state, pooled,
// embedding, position_ids (as floats).
struct ForwardTrace {
    struct Tensor {
        std::vector<std::int64_t> shape;
        std::vector<float> values;
    };
    std::map<std::string, Tensor> tensors;
};

// Seconds spent per stage, accumulated over calls (the device is synchronised per stage).
struct StageTimes {
    double vision = 0.0;
    double text = 0.0;
    double head = 0.0;
};

// One sequence for the model: ids with the image pads expanded, the images in order, and
// whether the instruct adapter is on.
struct ModelInput {
    std::vector<std::int64_t> inputIds;
    std::vector<const ImagePatches*> images;
    bool instruct = false;
};

// The ABC model below the Embedder: token ids and image patches in, one vector out. No
// tokenizer here, so tests can feed the reference's input_ids directly. Not thread-safe:
// the Embedder serialises calls.
class AbcModel {
  public:
    static std::unique_ptr<AbcModel> load(const ModelFolders& folders,
                                          const EngineOptions& options);
    // Random weights of any configuration (benchmarks): nothing is read from disk.
    // checkpointLike: values as a bf16 checkpoint holds them, with outlier input channels in
    // every linear weight (model_weights.h, WeightSources::randomCheckpointLike); the same
    // seed gives the same weights at every quantization.
    static std::unique_ptr<AbcModel> random(const ModelConfig& config, std::int64_t headDim,
                                            const EngineOptions& options, std::uint64_t seed = 0,
                                            bool checkpointLike = false);
    ~AbcModel();

    // One sequence: inputIds hold the expanded image pads of `images` in order. With
    // instruct, the instruct adapter is on for this call only. Throws abc::Error for ids out
    // of the vocabulary, malformed patches or image tokens that do not match the images.
    std::vector<float> embed(const std::vector<std::int64_t>& inputIds,
                             const std::vector<const ImagePatches*>& images, bool instruct,
                             ForwardTrace* trace = nullptr, StageTimes* times = nullptr);

    // Several sequences; each runs on its own (batch 1, no padding, exactly ABC's
    // computation for one input), so the vectors equal one-by-one calls. Hooks are polled
    // between sequences.
    std::vector<std::vector<float>> embedBatch(const std::vector<ModelInput>& inputs,
                                               const EmbedHooks& hooks = {});

    const ModelConfig& config() const;
    int dimension() const;
    bool hasInstructAdapter() const;
    Precision precision() const;
    PositionMode positions() const;
    void setPositions(PositionMode mode);
    std::string deviceName() const;
    // Bytes of the weights as the model holds them (after merging, conversion, quantization).
    std::int64_t weightBytes() const;
    WeightQuantization weights() const;
    // Every quantized linear layer (empty without quantization).
    const QuantizedLayers& quantizedLayers() const;

    struct Impl;

  private:
    explicit AbcModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
