#include "core/model/model_weights.h"

#include <string>
#include <vector>

#include "core/io/error.h"
#include "core/model/tensor_names.h"

namespace abc {
namespace {

std::string shapeText(at::IntArrayRef shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

class WeightLoader {
  public:
    WeightLoader(const WeightSources& sources, const at::Device& device, at::ScalarType dtype)
        : sources_(sources), device_(device), dtype_(dtype) {
        if (!sources.checkpoint) {
            generator_ = at::make_generator<at::CPUGeneratorImpl>(sources.randomSeed);
        }
    }

    // A base tensor in the working dtype on the device, shape checked.
    at::Tensor param(const std::string& name, std::vector<std::int64_t> shape,
                     const std::optional<LoraPair>& merge = std::nullopt) {
        if (!sources_.checkpoint) {
            return counted(random(shape).to(device_, dtype_));
        }
        const at::Tensor stored = checked(name, shape);
        if (!merge) {
            return counted(released(stored, stored.to(device_, dtype_)));
        }
        return counted(merged(stored, *merge).to(device_, dtype_));
    }

    // A linear weight in float32 on the CPU, merged, before quantization: one tensor at a
    // time, so the host holds the quantized model plus one float32 layer while loading.
    at::Tensor hostFloat(const std::string& name, std::vector<std::int64_t> shape,
                         const std::optional<LoraPair>& merge) {
        if (!sources_.checkpoint) {
            return random(shape);
        }
        const at::Tensor stored = checked(name, shape);
        if (!merge) {
            return released(stored, stored.to(at::kFloat, false, /*copy=*/true));
        }
        return merged(stored, *merge);
    }

    // peft merge_and_unload in float32: W = W + scaling * (B @ A); the stored pages released.
    at::Tensor merged(const at::Tensor& stored, const LoraPair& merge) {
        at::Tensor merged = stored.to(at::kFloat, false, /*copy=*/true);
        CheckpointReader::releasePages(stored);
        // Same rounding order as peft: delta = (B @ A) * scaling, then W += delta. The delta
        // lives in one reused buffer: a fresh one per tensor, freed between the weights kept,
        // left the heap fragmented (+0.5x the weights' size resident after loading).
        at::Tensor delta = mergeScratch(merged.numel()).view(merged.sizes());
        at::mm_out(delta, merge.b, merge.a);
        delta.mul_(merge.scaling);
        merged.add_(delta);
        return merged;
    }

    Linear linear(const std::string& module, std::int64_t out, std::int64_t in, bool hasBias) {
        std::optional<LoraPair> merged;
        if (sources_.mergedAdapter) {
            merged = sources_.mergedAdapter->claim(module, out, in);
        }
        Linear layer;
        if (sources_.quantization == WeightQuantization::None) {
            layer.weight = param(module + ".weight", {out, in}, merged);
        } else {
            layer.quantized = QuantizedWeight::quantize(
                hostFloat(module + ".weight", {out, in}, merged), sources_.quantization, device_);
            const QuantizedWeight& q = *layer.quantized;
            boundBytes_ += q.bytes();
            quantized_.push_back({module, out, in, q.groupSize(), q.usesKernel(), q.bytes()});
        }
        if (hasBias) {
            layer.bias = param(module + ".bias", {out});
        }
        if (sources_.switchedAdapter) {
            if (auto pair = sources_.switchedAdapter->claim(module, out, in)) {
                pair->a = counted(pair->a.to(device_, dtype_));
                pair->b = counted(pair->b.to(device_, dtype_));
                layer.switchable = std::move(pair);
            }
        }
        return layer;
    }

    LayerNorm layerNorm(const std::string& module, std::int64_t dim) {
        return {param(module + ".weight", {dim}), param(module + ".bias", {dim}), 1e-6};
    }

    // The embedding table stays in the stored dtype when it is a float type on the CPU
    // (a view of the mapping, no copy); rows are converted when looked up.
    at::Tensor embeddingTable(const std::string& name, std::vector<std::int64_t> shape) {
        if (!sources_.checkpoint) {
            if (!sources_.randomCheckpointLike) {
                return counted(random(shape).to(device_, dtype_));
            }
            const at::Tensor table = randomBf16Table(shape);
            return counted(device_.is_cpu() ? table : table.to(device_, dtype_));
        }
        const at::Tensor stored = checked(name, shape);
        if (device_.is_cpu()) {
            return counted(stored);
        }
        return counted(released(stored, stored.to(device_, dtype_)));
    }

    // Adapters may target modules this engine does not use (lm_head); claiming them keeps
    // the "everything claimed" check meaningful.
    void claimUnused(const std::string& module, std::int64_t out, std::int64_t in) {
        for (LoraAdapter* adapter : {sources_.mergedAdapter, sources_.switchedAdapter}) {
            if (adapter) {
                adapter->claim(module, out, in);
            }
        }
    }

    // Bytes of every tensor bound so far (what the model holds, mapped views included).
    std::int64_t boundBytes() const { return boundBytes_; }
    const QuantizedLayers& quantizedLayers() const { return quantized_; }

    at::Tensor counted(at::Tensor tensor) {
        boundBytes_ += static_cast<std::int64_t>(tensor.nbytes());
        return tensor;
    }

  private:
    at::Tensor mergeScratch(std::int64_t numel) {
        if (!mergeScratch_.defined() || mergeScratch_.numel() < numel) {
            mergeScratch_ = at::Tensor();
            mergeScratch_ = at::empty({numel}, at::TensorOptions().dtype(at::kFloat));
        }
        return mergeScratch_.narrow(0, 0, numel);
    }

    // The converted tensor; the file pages behind `stored` leave memory unless the converted
    // tensor still is the mapping (stored already in the working dtype on the CPU).
    static at::Tensor released(const at::Tensor& stored, at::Tensor converted) {
        if (converted.const_data_ptr() != stored.const_data_ptr()) {
            CheckpointReader::releasePages(stored);
        }
        return converted;
    }

    at::Tensor checked(const std::string& name, const std::vector<std::int64_t>& shape) {
        const at::Tensor stored = sources_.checkpoint->view(name);
        if (stored.sizes() != at::IntArrayRef(shape)) {
            throw Error(sources_.checkpoint->describe(name),
                        "shape " + shapeText(stored.sizes()) +
                            " does not match config.json, expected " + shapeText(shape));
        }
        return stored;
    }

    // float32 on the CPU (see WeightSources::randomCheckpointLike).
    at::Tensor random(const std::vector<std::int64_t>& shape) {
        at::Tensor value = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
        value.normal_(0.0, 0.02, generator_);
        if (!sources_.randomCheckpointLike) {
            return value;
        }
        if (value.dim() == 2) {
            const std::int64_t in = value.size(1);
            const std::int64_t outliers = std::max<std::int64_t>(1, in / 100);
            const at::Tensor channels =
                at::randperm(in, generator_, at::TensorOptions().dtype(at::kLong))
                    .narrow(0, 0, outliers);
            value.index_copy_(1, channels, value.index_select(1, channels) * 8.0);
        }
        return value.to(at::kBFloat16).to(at::kFloat);
    }

    // A vocabulary-sized table filled a slice at a time, never whole in float32 (7B: 2.2 GB).
    at::Tensor randomBf16Table(const std::vector<std::int64_t>& shape) {
        at::Tensor table = at::empty(shape, at::TensorOptions().dtype(at::kBFloat16));
        constexpr std::int64_t kRows = 4096;
        for (std::int64_t row = 0; row < shape[0]; row += kRows) {
            const std::int64_t rows = std::min(kRows, shape[0] - row);
            at::Tensor slice = at::empty({rows, shape[1]}, at::TensorOptions().dtype(at::kFloat));
            slice.normal_(0.0, 0.02, generator_);
            table.narrow(0, row, rows).copy_(slice);
        }
        return table;
    }

    const WeightSources& sources_;
    at::Device device_;
    at::ScalarType dtype_;
    at::Generator generator_;
    std::int64_t boundBytes_ = 0;
    QuantizedLayers quantized_;
    at::Tensor mergeScratch_;  // float32 (B @ A) * scaling of the tensor being merged
};

AbcHead bindHead(const WeightSources& sources, WeightLoader& loader, std::int64_t hidden,
                 const at::Device& device, at::ScalarType dtype) {
    AbcHead head;
    if (!sources.checkpoint) {
        const std::int64_t m = sources.randomHeadDim;
        head.layer1 = {loader.param("", {m, hidden}), loader.param("", {m}), std::nullopt};
        head.layer2 = {loader.param("", {hidden, m}), loader.param("", {hidden}), std::nullopt};
        return head;
    }
    if (!sources.mergedAdapter) {
        throw Error("pretrain adapter",
                    "required: ABC's head (mlp_head) comes from the pretrain adapter");
    }
    const LoraAdapter& adapter = *sources.mergedAdapter;
    const auto take = [&](const std::string& name) {
        auto tensor = adapter.savedTensor(name);
        if (!tensor) {
            throw Error(adapter.weightsFile().string() + ": " + std::string(kPeftPrefix) + name,
                        "missing (the pretrain adapter must provide ABC's mlp_head)");
        }
        return *tensor;
    };
    const at::Tensor w1 = take("mlp_head.linear_layer1.weight");
    const at::Tensor b1 = take("mlp_head.linear_layer1.bias");
    const at::Tensor w2 = take("mlp_head.linear_layer2.weight");
    const at::Tensor b2 = take("mlp_head.linear_layer2.bias");
    const std::int64_t m = w1.dim() == 2 ? w1.size(0) : -1;
    const auto expect = [&](const at::Tensor& t, std::vector<std::int64_t> shape,
                            const std::string& name) {
        if (t.sizes() != at::IntArrayRef(shape)) {
            throw Error(adapter.weightsFile().string() + ": " + std::string(kPeftPrefix) + name,
                        "shape " + shapeText(t.sizes()) + " does not fit hidden_size " +
                            std::to_string(hidden) + ", expected " + shapeText(shape));
        }
        return loader.counted(t.to(device, dtype));
    };
    head.layer1.weight = expect(w1, {m, hidden}, "mlp_head.linear_layer1.weight");
    head.layer1.bias = expect(b1, {m}, "mlp_head.linear_layer1.bias");
    head.layer2.weight = expect(w2, {hidden, m}, "mlp_head.linear_layer2.weight");
    head.layer2.bias = expect(b2, {hidden}, "mlp_head.linear_layer2.bias");
    return head;
}

}  // namespace

ModelWeights bindWeights(const ModelConfig& config, const WeightSources& sources,
                         const at::Device& device, at::ScalarType dtype) {
    WeightLoader loader(sources, device, dtype);
    ModelWeights weights;

    const VisionConfig& vc = config.vision;
    const std::int64_t e = vc.embedDim;
    VisionTower& vision = weights.vision;
    vision.config = vc;
    {
        // Conv3d weight (E, C, T, P, P), used as a (E, C*T*P*P) matmul.
        const std::vector<std::int64_t> convShape{e, vc.inChannels, vc.temporalPatchSize,
                                                  vc.patchSize, vc.patchSize};
        vision.patchEmbed.weight =
            loader.param("visual.patch_embed.proj.weight", convShape).reshape({e, vc.patchDim()});
    }
    for (std::int64_t i = 0; i < vc.depth; ++i) {
        const std::string p = "visual.blocks." + std::to_string(i) + ".";
        VisionBlock block;
        block.norm1 = loader.layerNorm(p + "norm1", e);
        block.norm2 = loader.layerNorm(p + "norm2", e);
        block.qkv = loader.linear(p + "attn.qkv", 3 * e, e, true);
        block.proj = loader.linear(p + "attn.proj", e, e, true);
        block.fc1 = loader.linear(p + "mlp.fc1", vc.mlpHiddenDim(), e, true);
        block.fc2 = loader.linear(p + "mlp.fc2", e, vc.mlpHiddenDim(), true);
        block.numHeads = vc.numHeads;
        block.activation = parseActivation(vc.hiddenAct, "vision_config.hidden_act");
        vision.blocks.push_back(std::move(block));
    }
    vision.merger.norm = loader.layerNorm("visual.merger.ln_q", e);
    vision.merger.fc1 = loader.linear("visual.merger.mlp.0", vc.mergedDim(), vc.mergedDim(), true);
    vision.merger.fc2 = loader.linear("visual.merger.mlp.2", vc.hiddenSize, vc.mergedDim(), true);
    vision.merger.windowSize = vc.spatialMergeSize * vc.spatialMergeSize;

    const TextConfig& tc = config.text;
    const std::int64_t h = tc.hiddenSize;
    const std::int64_t kv = tc.numKeyValueHeads * tc.headDim();
    TextDecoder& text = weights.text;
    text.config = tc;
    text.embedTokens = loader.embeddingTable("model.embed_tokens.weight", {tc.vocabSize, h});
    for (std::int64_t i = 0; i < tc.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        DecoderLayer layer;
        layer.inputNorm = {loader.param(p + "input_layernorm.weight", {h}), tc.rmsNormEps};
        layer.postAttentionNorm = {loader.param(p + "post_attention_layernorm.weight", {h}),
                                   tc.rmsNormEps};
        layer.qProj = loader.linear(p + "self_attn.q_proj", h, h, true);
        layer.kProj = loader.linear(p + "self_attn.k_proj", kv, h, true);
        layer.vProj = loader.linear(p + "self_attn.v_proj", kv, h, true);
        layer.oProj = loader.linear(p + "self_attn.o_proj", h, h, false);
        layer.gateProj = loader.linear(p + "mlp.gate_proj", tc.intermediateSize, h, false);
        layer.upProj = loader.linear(p + "mlp.up_proj", tc.intermediateSize, h, false);
        layer.downProj = loader.linear(p + "mlp.down_proj", h, tc.intermediateSize, false);
        layer.numHeads = tc.numHeads;
        layer.numKeyValueHeads = tc.numKeyValueHeads;
        layer.activation = parseActivation(tc.hiddenAct, "hidden_act");
        text.layers.push_back(std::move(layer));
    }
    text.norm = {loader.param("model.norm.weight", {h}), tc.rmsNormEps};
    loader.claimUnused("lm_head", tc.vocabSize, h);

    weights.head = bindHead(sources, loader, h, device, dtype);
    weights.bytes = loader.boundBytes();
    weights.quantized = loader.quantizedLayers();
    for (LoraAdapter* adapter : {sources.mergedAdapter, sources.switchedAdapter}) {
        if (adapter) {
            adapter->requireAllClaimed();
        }
    }
    return weights;
}

}  // namespace abc
