#include "core/model/lora_adapter.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/error.h"
#include "core/io/safetensors.h"
#include "core/model/checkpoint_reader.h"
#include "core/model/tensor_names.h"

namespace abc {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool isUnset(const json& value) {
    return value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
           ((value.is_object() || value.is_array() || value.is_string()) && value.empty());
}

std::string shapeText(at::IntArrayRef shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

}  // namespace

double LoraConfig::scaling() const {
    return useRslora ? alpha / std::sqrt(static_cast<double>(rank))
                     : alpha / static_cast<double>(rank);
}

bool LoraConfig::targets(const std::string& moduleName) const {
    if (targetPattern) {
        return std::regex_match(moduleName, *compiled_);
    }
    for (const auto& entry : targetList) {
        if (moduleName == entry ||
            (moduleName.size() > entry.size() && moduleName.ends_with(entry) &&
             moduleName[moduleName.size() - entry.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

LoraConfig LoraConfig::fromFile(const fs::path& path) {
    const std::string origin = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(origin, "cannot open the adapter configuration");
    }
    std::ostringstream text;
    text << in.rdbuf();
    json root;
    try {
        root = json::parse(text.str());
    } catch (const json::exception& e) {
        throw Error(origin, std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) {
        throw Error(origin, "must be a JSON object");
    }
    const auto where = [&origin](const std::string& key) { return origin + ": " + key; };

    LoraConfig config;
    // Settings that only matter for training or for creating an adapter.
    static const std::set<std::string> kIrrelevant = {
        "auto_mapping",      "base_model_name_or_path",
        "inference_mode",    "init_lora_weights",
        "lora_dropout",      "revision",
        "task_type",         "loftq_config",
        "megatron_core",     "peft_version",
        "runtime_config",    "target_modules",
        "modules_to_save",   "r",
        "lora_alpha",        "use_rslora",
        "peft_type",         "bias",
        "fan_in_fan_out",    "rank_pattern",
        "alpha_pattern",     "use_dora",
        "layer_replication", "layers_to_transform",
        "layers_pattern",    "megatron_config",
        "exclude_modules",   "lora_bias",
        "eva_config",        "corda_config",
        "target_parameters", "trainable_token_indices",
        "use_qalora",        "qalora_group_size"};
    for (const auto& [key, value] : root.items()) {
        if (!kIrrelevant.count(key) && !isUnset(value)) {
            throw Error(where(key), "is not implemented (value " + value.dump() + ")");
        }
    }
    const auto peftType = root.value("peft_type", std::string("LORA"));
    if (peftType != "LORA") {
        throw Error(where("peft_type"), "\"" + peftType + "\" is not implemented (only LORA)");
    }
    if (root.contains("bias") && !(root.at("bias").is_string() && root.at("bias") == "none")) {
        throw Error(where("bias"), root.at("bias").dump() + " is not implemented (only \"none\")");
    }
    for (const char* key : {"use_dora", "fan_in_fan_out", "lora_bias", "use_qalora"}) {
        if (root.contains(key) && !isUnset(root.at(key))) {
            throw Error(where(key), "true is not implemented");
        }
    }
    for (const char* key : {"rank_pattern", "alpha_pattern", "layer_replication",
                            "layers_to_transform", "layers_pattern", "megatron_config",
                            "exclude_modules", "target_parameters", "trainable_token_indices"}) {
        if (root.contains(key) && !isUnset(root.at(key))) {
            throw Error(where(key), root.at(key).dump() + " is not implemented (must be empty)");
        }
    }

    if (!root.contains("r") || !root.at("r").is_number_integer() || root.at("r").get<long>() <= 0) {
        throw Error(where("r"), "must be a positive integer");
    }
    config.rank = root.at("r").get<std::int64_t>();
    if (!root.contains("lora_alpha") || !root.at("lora_alpha").is_number()) {
        throw Error(where("lora_alpha"), "must be a number");
    }
    config.alpha = root.at("lora_alpha").get<double>();
    if (root.contains("use_rslora")) {
        if (!root.at("use_rslora").is_boolean()) {
            throw Error(where("use_rslora"), "must be true or false");
        }
        config.useRslora = root.at("use_rslora").get<bool>();
    }

    const json targets = root.value("target_modules", json());
    if (targets.is_string()) {
        config.targetPattern = targets.get<std::string>();
        try {
            config.compiled_ =
                std::make_shared<std::regex>(*config.targetPattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw Error(where("target_modules"),
                        "regular expression not supported: " + std::string(e.what()));
        }
    } else if (targets.is_array() && !targets.empty()) {
        for (const auto& entry : targets) {
            if (!entry.is_string()) {
                throw Error(where("target_modules"), "list entries must be strings");
            }
            config.targetList.push_back(entry.get<std::string>());
        }
    } else {
        throw Error(where("target_modules"), "must be a module list or a regular expression");
    }

    const json saved = root.value("modules_to_save", json());
    if (saved.is_array()) {
        for (const auto& entry : saved) {
            if (!entry.is_string()) {
                throw Error(where("modules_to_save"), "entries must be strings");
            }
            const auto name = entry.get<std::string>();
            if (name != "mlp_head" && name != "temperature") {
                throw Error(where("modules_to_save"),
                            "\"" + name + "\" is not implemented (only mlp_head, temperature)");
            }
            config.modulesToSave.push_back(name);
        }
    } else if (!saved.is_null()) {
        throw Error(where("modules_to_save"), "must be a list or null");
    }
    return config;
}

LoraAdapter LoraAdapter::load(const fs::path& folder) {
    LoraAdapter adapter;
    adapter.folder_ = folder;
    if (!fs::is_directory(folder)) {
        throw Error(folder.string(), "adapter folder not found");
    }
    adapter.config_ = LoraConfig::fromFile(folder / "adapter_config.json");
    adapter.weightsFile_ = folder / "adapter_model.safetensors";
    if (!fs::exists(adapter.weightsFile_)) {
        throw Error(adapter.weightsFile_.string(), "adapter weights missing");
    }
    const SafetensorsFile file = SafetensorsFile::open(adapter.weightsFile_);
    const std::string origin = adapter.weightsFile_.string();
    for (const auto& info : file.tensors()) {
        const std::string where = origin + ": " + info.name;
        if (!std::string_view(info.name).starts_with(kPeftPrefix)) {
            throw Error(where, "not a PEFT tensor name (expected the prefix base_model.model.)");
        }
        const std::string inner =
            canonicalTensorName(std::string_view(info.name).substr(kPeftPrefix.size()));
        // Copy out of the mapping in float32: the file closes when loading ends.
        at::Tensor value = tensorFromStorage(file, info).to(at::kFloat, false, true);
        adapter.storedNames_[inner] = info.name;
        const bool isLora = inner.ends_with(".lora_A.weight") || inner.ends_with(".lora_B.weight");
        if (isLora) {
            adapter.loraTensors_[inner] = value;
            continue;
        }
        const auto dot = inner.find('.');
        const std::string owner = inner.substr(0, dot);
        const auto& saved = adapter.config_.modulesToSave;
        if (std::find(saved.begin(), saved.end(), owner) == saved.end()) {
            throw Error(where, "neither a LoRA tensor nor part of modules_to_save");
        }
        adapter.savedTensors_[inner] = value;
    }
    for (const auto& name : adapter.config_.modulesToSave) {
        const bool present = std::any_of(
            adapter.savedTensors_.begin(), adapter.savedTensors_.end(),
            [&name](const auto& entry) { return entry.first.rfind(name + ".", 0) == 0; });
        if (!present) {
            throw Error(origin + ": " + std::string(kPeftPrefix) + name,
                        "listed in modules_to_save but no tensor stored");
        }
    }
    return adapter;
}

std::optional<LoraPair> LoraAdapter::claim(const std::string& moduleName, std::int64_t outFeatures,
                                           std::int64_t inFeatures) {
    const std::string keyA = moduleName + ".lora_A.weight";
    const std::string keyB = moduleName + ".lora_B.weight";
    const auto itA = loraTensors_.find(keyA);
    const auto itB = loraTensors_.find(keyB);
    const bool targeted = config_.targets(moduleName);
    const std::string origin = weightsFile_.string();
    if (!targeted) {
        if (itA != loraTensors_.end() || itB != loraTensors_.end()) {
            const auto& stored = storedNames_.at(itA != loraTensors_.end() ? keyA : keyB);
            throw Error(origin + ": " + stored,
                        "stored for a module that target_modules does not select");
        }
        return std::nullopt;
    }
    for (const auto& key : {keyA, keyB}) {
        if (!loraTensors_.count(key)) {
            throw Error(origin + ": " + std::string(kPeftPrefix) + key,
                        "missing, but target_modules selects " + moduleName +
                            " (adapter for another base model?)");
        }
    }
    const at::Tensor& a = itA->second;
    const at::Tensor& b = itB->second;
    const std::vector<std::int64_t> wantA{config_.rank, inFeatures};
    const std::vector<std::int64_t> wantB{outFeatures, config_.rank};
    if (a.sizes() != at::IntArrayRef(wantA)) {
        throw Error(origin + ": " + storedNames_.at(keyA),
                    "shape " + shapeText(a.sizes()) + " does not fit the base model, expected " +
                        shapeText(wantA) + " (adapter for another base model?)");
    }
    if (b.sizes() != at::IntArrayRef(wantB)) {
        throw Error(origin + ": " + storedNames_.at(keyB),
                    "shape " + shapeText(b.sizes()) + " does not fit the base model, expected " +
                        shapeText(wantB) + " (adapter for another base model?)");
    }
    claimed_.insert(keyA);
    claimed_.insert(keyB);
    return LoraPair{a, b, config_.scaling()};
}

std::optional<at::Tensor> LoraAdapter::savedTensor(const std::string& name) const {
    const auto it = savedTensors_.find(name);
    if (it == savedTensors_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void LoraAdapter::requireAllClaimed() const {
    for (const auto& [key, tensor] : loraTensors_) {
        if (!claimed_.count(key)) {
            throw Error(weightsFile_.string() + ": " + storedNames_.at(key),
                        "adapts a module this base model does not have (adapter for another "
                        "base model?)");
        }
    }
}

}  // namespace abc
