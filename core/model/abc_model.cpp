#include "core/model/abc_model.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstring>

#include "core/io/error.h"
#include "core/model/checkpoint_reader.h"
#include "core/model/cuda_runtime_loader.h"
#include "core/model/lora_adapter.h"
#include "core/model/model_weights.h"
#include "core/text/positions.h"

namespace abc {
namespace fs = std::filesystem;

struct AbcModel::Impl {
    ModelConfig config;
    std::shared_ptr<const CheckpointReader> checkpoint;  // keeps mapped tensors alive
    bool hasInstruct = false;
    ModelWeights weights;
    at::Device device{at::kCPU};
    at::ScalarType dtype = at::kFloat;
    Precision precision = Precision::Float32;
    WeightQuantization quantization = WeightQuantization::None;
    PositionMode positions = PositionMode::Sequential;

    void synchronize() const {
        if (device.is_cuda()) {
            // Through ATen's hooks: libc10_cuda is loaded at run time, not linked.
            at::detail::getCUDAHooks().deviceSynchronize(device.index());
        }
    }
};

namespace {

at::Device parseDevice(const std::string& text) {
    if (text == "cpu") {
        return at::Device(at::kCPU);
    }
    if (text == "cuda" || text.rfind("cuda:", 0) == 0) {
        const CudaRuntime& cuda = loadCudaRuntime();
        if (!cuda.loaded) {
            throw Error("device", "\"" + text + "\" requested but " + cuda.problem);
        }
        if (!at::hasCUDA()) {
            throw Error("device", "\"" + text + "\" requested but no usable CUDA device");
        }
        int index = 0;
        if (text.size() > 5) {
            try {
                std::size_t used = 0;
                index = std::stoi(text.substr(5), &used);
                if (used != text.size() - 5) {
                    throw std::invalid_argument(text);
                }
            } catch (const std::exception&) {
                throw Error("device", "\"" + text + "\" is not cpu, cuda or cuda:N");
            }
        }
        if (index < 0 || static_cast<std::size_t>(index) >= at::getNumGPUs()) {
            throw Error("device", "\"" + text + "\": no such CUDA device");
        }
        return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw Error("device", "\"" + text + "\" is not cpu, cuda or cuda:N");
}

void configureRuntime(AbcModel::Impl& impl, const EngineOptions& options) {
    impl.device = parseDevice(options.device);
    impl.precision = options.precision.value_or(impl.device.is_cuda() ? Precision::BFloat16
                                                                      : Precision::Float32);
    impl.dtype = impl.precision == Precision::Float32 ? at::kFloat : at::kBFloat16;
    impl.positions = options.positions;
    impl.quantization = options.weights;
    if (options.cpuThreads > 0) {
        at::set_num_threads(options.cpuThreads);
    }
    // TF32 alone moves float32 embeddings beyond 1e-5: keep cuBLAS and cuDNN in full fp32.
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setFloat32MatmulPrecision("highest");
}

ForwardTrace::Tensor toTrace(const at::Tensor& tensor) {
    const at::Tensor cpu = tensor.detach().to(at::kCPU, at::kFloat).contiguous();
    ForwardTrace::Tensor out;
    out.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
    out.values.assign(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
    return out;
}

}  // namespace

AbcModel::AbcModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AbcModel::~AbcModel() = default;

std::unique_ptr<AbcModel> AbcModel::load(const ModelFolders& folders,
                                         const EngineOptions& options) {
    c10::InferenceMode guard;
    auto impl = std::make_unique<Impl>();
    configureRuntime(*impl, options);
    if (!fs::is_directory(folders.base)) {
        throw Error(folders.base.string(), "base model folder not found");
    }
    impl->config = ModelConfig::fromFile(folders.base / "config.json");
    if (folders.pretrainAdapter.empty()) {
        throw Error("pretrain adapter", "required: ABC's head comes from the pretrain adapter");
    }
    // The adapters live only while loading: their tensors end up in the bound weights.
    LoraAdapter pretrain = LoraAdapter::load(folders.pretrainAdapter);
    std::optional<LoraAdapter> instruct;
    if (!folders.instructAdapter.empty()) {
        instruct = LoraAdapter::load(folders.instructAdapter);
        if (!instruct->config().modulesToSave.empty()) {
            throw Error(
                (folders.instructAdapter / "adapter_config.json").string() + ": modules_to_save",
                "is not implemented for the switched (instruct) adapter");
        }
    }
    impl->checkpoint = std::make_shared<CheckpointReader>(folders.base);
    WeightSources sources;
    sources.checkpoint = impl->checkpoint;
    sources.mergedAdapter = &pretrain;
    sources.switchedAdapter = instruct ? &*instruct : nullptr;
    sources.quantization = impl->quantization;
    impl->weights = bindWeights(impl->config, sources, impl->device, impl->dtype);
    impl->hasInstruct = instruct.has_value();
    return std::unique_ptr<AbcModel>(new AbcModel(std::move(impl)));
}

std::unique_ptr<AbcModel> AbcModel::random(const ModelConfig& config, std::int64_t headDim,
                                           const EngineOptions& options, std::uint64_t seed,
                                           bool checkpointLike) {
    c10::InferenceMode guard;
    config.validate("random model");
    auto impl = std::make_unique<Impl>();
    configureRuntime(*impl, options);
    impl->config = config;
    WeightSources sources;
    sources.randomHeadDim = headDim;
    sources.randomSeed = seed;
    sources.randomCheckpointLike = checkpointLike;
    sources.quantization = impl->quantization;
    impl->weights = bindWeights(impl->config, sources, impl->device, impl->dtype);
    return std::unique_ptr<AbcModel>(new AbcModel(std::move(impl)));
}

std::vector<float> AbcModel::embed(const std::vector<std::int64_t>& inputIds,
                                   const std::vector<const ImagePatches*>& images, bool instruct,
                                   ForwardTrace* trace, StageTimes* times) {
    c10::InferenceMode guard;
    Impl& m = *impl_;
    const ModelConfig& config = m.config;
    if (instruct && !m.hasInstruct) {
        throw Error("instruct adapter", "an image+instruction request needs the instruct adapter");
    }
    if (inputIds.empty()) {
        throw Error("input_ids", "empty sequence");
    }
    std::int64_t imageTokens = 0;
    for (const auto id : inputIds) {
        if (id < 0 || id >= config.text.vocabSize) {
            throw Error("input_ids", "token id " + std::to_string(id) +
                                         " outside the vocabulary (" +
                                         std::to_string(config.text.vocabSize) + ")");
        }
        imageTokens += id == config.tokens.imageToken;
    }
    const std::int64_t merge = config.vision.spatialMergeSize;
    std::vector<GridThw> grids;
    std::int64_t expectedTokens = 0;
    std::int64_t totalRows = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const ImagePatches* image = images[i];
        const std::string subject = "image " + std::to_string(i);
        if (!image) {
            throw Error(subject, "missing patches");
        }
        if (image->patchDim != config.vision.patchDim()) {
            throw Error(subject, "patch length " + std::to_string(image->patchDim) +
                                     " does not match the vision tower (" +
                                     std::to_string(config.vision.patchDim()) + ")");
        }
        if (image->grid.t <= 0 || image->grid.h <= 0 || image->grid.w <= 0 ||
            image->grid.h % merge != 0 || image->grid.w % merge != 0) {
            throw Error(subject, "grid must be positive and a multiple of the merge size");
        }
        if (image->rows != image->grid.t * image->grid.h * image->grid.w ||
            static_cast<std::int64_t>(image->values.size()) != image->rows * image->patchDim) {
            throw Error(subject, "patch count does not match its grid");
        }
        grids.push_back(image->grid);
        expectedTokens += image->grid.t * image->grid.h * image->grid.w / (merge * merge);
        totalRows += image->rows;
    }
    if (imageTokens != expectedTokens) {
        throw Error("input_ids", std::to_string(imageTokens) + " image tokens for images needing " +
                                     std::to_string(expectedTokens));
    }

    using Clock = std::chrono::steady_clock;
    auto mark = Clock::now();
    const auto lap = [&](double* slot) {
        if (times) {
            m.synchronize();
            const auto now = Clock::now();
            *slot += std::chrono::duration<double>(now - mark).count();
            mark = now;
        }
    };
    const auto length = static_cast<std::int64_t>(inputIds.size());
    const at::Tensor idsCpu = at::tensor(inputIds, at::kLong);
    const at::Tensor ids = idsCpu.to(m.device);
    at::Tensor inputsEmbeds = m.weights.text.embed(ids, m.dtype);  // (L, H)
    if (!images.empty()) {
        at::Tensor pixels = at::empty({totalRows, config.vision.patchDim()}, at::kFloat);
        std::int64_t row = 0;
        for (const ImagePatches* image : images) {
            std::memcpy(pixels[row].data_ptr<float>(), image->values.data(),
                        image->values.size() * sizeof(float));
            row += image->rows;
        }
        at::Tensor patchEmbed;
        const at::Tensor visionOut = m.weights.vision(pixels.to(m.device, m.dtype), grids, instruct,
                                                      trace ? &patchEmbed : nullptr);
        inputsEmbeds.index_put_({ids == config.tokens.imageToken}, visionOut);
        if (trace) {
            trace->tensors["vision_patch_embed"] = toTrace(patchEmbed);
            trace->tensors["vision_out"] = toTrace(visionOut);
        }
        lap(times ? &times->vision : nullptr);
    }
    // Positions come from the text front-end (core/text/positions.h), the one
    // implementation of both modes.
    const PositionIds positionValues =
        m.positions == PositionMode::Sequential
            ? sequentialPositions(length)
            : mropePositions(
                  inputIds, grids,
                  MropeTokens{config.tokens.imageToken, config.tokens.visionStart, merge});
    const at::Tensor positions = at::tensor(positionValues.values, at::kLong).view({3, length});
    const at::Tensor hidden = m.weights.text(inputsEmbeds, positions, instruct);
    lap(times ? &times->text : nullptr);
    const at::Tensor pooled = AbcHead::pool(hidden, ids);
    const at::Tensor embedding = m.weights.head(pooled).to(at::kCPU).contiguous();
    lap(times ? &times->head : nullptr);
    if (trace) {
        trace->tensors["inputs_embeds"] = toTrace(inputsEmbeds);
        trace->tensors["last_hidden_state"] = toTrace(hidden);
        trace->tensors["pooled"] = toTrace(pooled);
        trace->tensors["embedding"] = toTrace(embedding);
        trace->tensors["position_ids"] = toTrace(positions);
    }
    return {embedding.data_ptr<float>(), embedding.data_ptr<float>() + embedding.numel()};
}

std::vector<std::vector<float>> AbcModel::embedBatch(const std::vector<ModelInput>& inputs,
                                                     const EmbedHooks& hooks) {
    std::vector<std::vector<float>> out;
    out.reserve(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (hooks.beforeItem) {
            hooks.beforeItem();
        }
        if (hooks.stop.stop_requested()) {
            throw Cancelled();
        }
        out.push_back(embed(inputs[i].inputIds, inputs[i].images, inputs[i].instruct));
        if (hooks.progress) {
            hooks.progress(i + 1, inputs.size());
        }
    }
    return out;
}

const ModelConfig& AbcModel::config() const {
    return impl_->config;
}
int AbcModel::dimension() const {
    return static_cast<int>(impl_->config.text.hiddenSize);
}
bool AbcModel::hasInstructAdapter() const {
    return impl_->hasInstruct;
}
Precision AbcModel::precision() const {
    return impl_->precision;
}
PositionMode AbcModel::positions() const {
    return impl_->positions;
}
void AbcModel::setPositions(PositionMode mode) {
    impl_->positions = mode;
}

std::int64_t AbcModel::weightBytes() const {
    return impl_->weights.bytes;
}

WeightQuantization AbcModel::weights() const {
    return impl_->quantization;
}

const QuantizedLayers& AbcModel::quantizedLayers() const {
    return impl_->weights.quantized;
}

std::string AbcModel::deviceName() const {
    if (impl_->device.is_cpu()) {
        return "cpu";
    }
    return "cuda:" + std::to_string(impl_->device.index() < 0 ? 0 : impl_->device.index());
}

}  // namespace abc
