#include "core/model/model_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/error.h"

namespace abc {
namespace {

using nlohmann::json;

class ConfigReader {
  public:
    ConfigReader(const json& object, std::string origin, std::string prefix)
        : object_(object), origin_(std::move(origin)), prefix_(std::move(prefix)) {}

    std::string where(const std::string& key) const { return origin_ + ": " + prefix_ + key; }

    bool has(const std::string& key) const {
        return object_.contains(key) && !object_.at(key).is_null();
    }

    std::int64_t integer(const std::string& key, std::optional<std::int64_t> fallback) const {
        if (!has(key)) {
            if (fallback) {
                return *fallback;
            }
            throw Error(where(key), "missing");
        }
        const json& value = object_.at(key);
        if (!value.is_number_integer()) {
            throw Error(where(key), "must be an integer, got " + value.dump());
        }
        return value.get<std::int64_t>();
    }

    double number(const std::string& key, std::optional<double> fallback) const {
        if (!has(key)) {
            if (fallback) {
                return *fallback;
            }
            throw Error(where(key), "missing");
        }
        const json& value = object_.at(key);
        if (!value.is_number()) {
            throw Error(where(key), "must be a number, got " + value.dump());
        }
        return value.get<double>();
    }

    std::string string(const std::string& key, const std::string& fallback) const {
        if (!has(key)) {
            return fallback;
        }
        const json& value = object_.at(key);
        if (!value.is_string()) {
            throw Error(where(key), "must be a string, got " + value.dump());
        }
        return value.get<std::string>();
    }

  private:
    const json& object_;
    std::string origin_;
    std::string prefix_;
};

void requirePositive(std::int64_t value, const std::string& where) {
    if (value <= 0) {
        throw Error(where, "must be positive, got " + std::to_string(value));
    }
}

}  // namespace

Activation parseActivation(const std::string& name, const std::string& subject) {
    if (name == "quick_gelu") {
        return Activation::QuickGelu;
    }
    if (name == "gelu") {
        return Activation::Gelu;
    }
    if (name == "gelu_pytorch_tanh" || name == "gelu_new") {
        return Activation::GeluTanh;
    }
    if (name == "silu" || name == "swish") {
        return Activation::Silu;
    }
    if (name == "relu") {
        return Activation::Relu;
    }
    throw Error(subject, "activation \"" + name +
                             "\" is not implemented (quick_gelu, gelu, gelu_pytorch_tanh, "
                             "gelu_new, silu, relu)");
}

ModelConfig ModelConfig::fromFile(const std::filesystem::path& configJson) {
    std::ifstream in(configJson, std::ios::binary);
    if (!in) {
        throw Error(configJson.string(), "cannot open the model configuration");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return fromJsonText(text.str(), configJson.string());
}

ModelConfig ModelConfig::fromJsonText(const std::string& text, const std::string& origin) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(origin, std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) {
        throw Error(origin, "must be a JSON object");
    }
    ModelConfig config;
    const ConfigReader top(root, origin, "");
    const std::string modelType = top.string("model_type", "");
    if (modelType != "qwen2_vl") {
        throw Error(top.where("model_type"),
                    "expected \"qwen2_vl\" (Qwen2-VL), got \"" + modelType + "\"");
    }

    // transformers 5.x nests the language model's fields under text_config.
    const bool nested = root.contains("text_config") && root.at("text_config").is_object();
    const json& textObject = nested ? root.at("text_config") : root;
    const ConfigReader text_(textObject, origin, nested ? "text_config." : "");
    TextConfig& t = config.text;
    t.hiddenSize = text_.integer("hidden_size", std::nullopt);
    t.numLayers = text_.integer("num_hidden_layers", std::nullopt);
    t.numHeads = text_.integer("num_attention_heads", std::nullopt);
    t.numKeyValueHeads = text_.integer("num_key_value_heads", t.numHeads);
    t.intermediateSize = text_.integer("intermediate_size", std::nullopt);
    t.vocabSize = text_.integer("vocab_size", std::nullopt);
    t.rmsNormEps = text_.number("rms_norm_eps", 1e-5);
    t.ropeTheta = text_.number("rope_theta", 1000000.0);
    t.hiddenAct = text_.string("hidden_act", "silu");

    const bool ropeNested = nested && text_.has("rope_scaling");
    const std::string ropeWhere = (ropeNested ? text_ : top).where("rope_scaling");
    if (!ropeNested && !top.has("rope_scaling")) {
        throw Error(ropeWhere, "missing (Qwen2-VL needs mrope_section)");
    }
    const json& rope = (ropeNested ? textObject : root).at("rope_scaling");
    if (!rope.is_object()) {
        throw Error(ropeWhere, "must be an object");
    }
    // "mrope" and "default" both mean default RoPE frequencies split by mrope_section.
    for (const char* key : {"type", "rope_type"}) {
        if (rope.contains(key)) {
            if (!rope.at(key).is_string()) {
                throw Error(ropeWhere + "." + key, "must be a string");
            }
            const auto kind = rope.at(key).get<std::string>();
            if (kind != "mrope" && kind != "default") {
                throw Error(ropeWhere + "." + key,
                            "\"" + kind + "\" is not implemented (only mrope/default)");
            }
        }
    }
    if (!rope.contains("mrope_section") || !rope.at("mrope_section").is_array() ||
        rope.at("mrope_section").size() != 3) {
        throw Error(ropeWhere + ".mrope_section", "must be a list of three integers");
    }
    for (std::size_t i = 0; i < 3; ++i) {
        const json& v = rope.at("mrope_section").at(i);
        if (!v.is_number_integer()) {
            throw Error(ropeWhere + ".mrope_section", "must be a list of three integers");
        }
        t.mropeSection[i] = v.get<std::int64_t>();
    }

    SpecialTokens& tokens = config.tokens;
    tokens.imageToken = top.integer("image_token_id", tokens.imageToken);
    tokens.visionStart = top.integer("vision_start_token_id", tokens.visionStart);
    tokens.visionEnd = top.integer("vision_end_token_id", tokens.visionEnd);

    // The hub's vision_config may hold only in_chans/model_type/spatial_patch_size; every
    // absent field takes transformers' default. "in_chans" is not read by transformers.
    static const json emptyObject = json::object();
    const json& visionObject =
        root.contains("vision_config") && root.at("vision_config").is_object()
            ? root.at("vision_config")
            : emptyObject;
    const ConfigReader vis(visionObject, origin, "vision_config.");
    VisionConfig& v = config.vision;
    v.depth = vis.integer("depth", v.depth);
    v.embedDim = vis.integer("embed_dim", v.embedDim);
    v.hiddenSize = vis.integer("hidden_size", v.hiddenSize);
    v.numHeads = vis.integer("num_heads", v.numHeads);
    v.inChannels = vis.integer("in_channels", v.inChannels);
    v.patchSize = vis.integer("patch_size", v.patchSize);
    v.spatialMergeSize = vis.integer("spatial_merge_size", v.spatialMergeSize);
    v.temporalPatchSize = vis.integer("temporal_patch_size", v.temporalPatchSize);
    v.mlpRatio = vis.number("mlp_ratio", v.mlpRatio);
    v.hiddenAct = vis.string("hidden_act", v.hiddenAct);

    config.validate(origin);
    return config;
}

void ModelConfig::validate(const std::string& origin) const {
    const auto at = [&origin](const std::string& key) { return origin + ": " + key; };
    const TextConfig& t = text;
    requirePositive(t.hiddenSize, at("hidden_size"));
    requirePositive(t.numLayers, at("num_hidden_layers"));
    requirePositive(t.numHeads, at("num_attention_heads"));
    requirePositive(t.numKeyValueHeads, at("num_key_value_heads"));
    requirePositive(t.intermediateSize, at("intermediate_size"));
    requirePositive(t.vocabSize, at("vocab_size"));
    if (t.hiddenSize % t.numHeads != 0) {
        throw Error(at("num_attention_heads"),
                    "must divide hidden_size (" + std::to_string(t.hiddenSize) + ")");
    }
    if (t.numHeads % t.numKeyValueHeads != 0) {
        throw Error(at("num_key_value_heads"),
                    "must divide num_attention_heads (" + std::to_string(t.numHeads) + ")");
    }
    if (t.headDim() % 2 != 0) {
        throw Error(at("num_attention_heads"), "head dimension must be even for rotary");
    }
    if (!(t.rmsNormEps > 0.0) || t.rmsNormEps > 1e-1) {
        throw Error(at("rms_norm_eps"), "must be in (0, 0.1]");
    }
    if (!(t.ropeTheta > 1.0)) {
        throw Error(at("rope_theta"), "must be greater than 1");
    }
    std::int64_t sectionSum = 0;
    for (const auto s : t.mropeSection) {
        if (s < 0) {
            throw Error(at("rope_scaling.mrope_section"), "entries must not be negative");
        }
        sectionSum += s;
    }
    if (sectionSum * 2 != t.headDim()) {
        throw Error(at("rope_scaling.mrope_section"),
                    "must sum to head_dim/2 = " + std::to_string(t.headDim() / 2) + ", sums to " +
                        std::to_string(sectionSum));
    }
    parseActivation(t.hiddenAct, at("hidden_act"));
    for (const auto& [id, key] : {std::pair{tokens.imageToken, "image_token_id"},
                                  std::pair{tokens.visionStart, "vision_start_token_id"},
                                  std::pair{tokens.visionEnd, "vision_end_token_id"}}) {
        if (id < 0 || id >= t.vocabSize) {
            throw Error(at(key), "must be a token id below vocab_size (" +
                                     std::to_string(t.vocabSize) + "), got " + std::to_string(id));
        }
    }

    const VisionConfig& v = vision;
    requirePositive(v.depth, at("vision_config.depth"));
    requirePositive(v.embedDim, at("vision_config.embed_dim"));
    requirePositive(v.numHeads, at("vision_config.num_heads"));
    requirePositive(v.inChannels, at("vision_config.in_channels"));
    requirePositive(v.patchSize, at("vision_config.patch_size"));
    requirePositive(v.spatialMergeSize, at("vision_config.spatial_merge_size"));
    requirePositive(v.temporalPatchSize, at("vision_config.temporal_patch_size"));
    if (v.embedDim % v.numHeads != 0) {
        throw Error(at("vision_config.num_heads"),
                    "must divide embed_dim (" + std::to_string(v.embedDim) + ")");
    }
    // The 2-D rotary splits half the head dimension into a row half and a column half.
    if (v.headDim() % 4 != 0) {
        throw Error(at("vision_config.num_heads"),
                    "embed_dim/num_heads must be a multiple of 4 for the 2-D rotary");
    }
    if (!(v.mlpRatio > 0.0) || v.mlpHiddenDim() <= 0) {
        throw Error(at("vision_config.mlp_ratio"), "must be positive");
    }
    parseActivation(v.hiddenAct, at("vision_config.hidden_act"));
    if (v.hiddenSize != t.hiddenSize) {
        throw Error(at("vision_config.hidden_size"),
                    "the merger must output the language model's hidden_size (" +
                        std::to_string(t.hiddenSize) + "), got " + std::to_string(v.hiddenSize));
    }
}

}  // namespace abc
