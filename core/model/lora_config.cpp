#include "core/model/lora_config.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/io/error.h"

namespace abc {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool isUnset(const json& value) {
    return value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
           ((value.is_object() || value.is_array() || value.is_string()) && value.empty());
}

}  // namespace

double LoraConfig::scaling() const {
    return useRslora ? alpha / std::sqrt(static_cast<double>(rank))
                     : alpha / static_cast<double>(rank);
}

bool LoraConfig::targets(const std::string& moduleName) const {
    if (targetPattern) {
        return compiled_->fullMatch(moduleName);
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
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(path.string(), "cannot open the adapter configuration");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return fromJsonText(text.str(), path.string());
}

LoraConfig LoraConfig::fromJsonText(const std::string& text, const std::string& origin) {
    // A value of a type no check below foresaw (fuzz_adapter_config found "peft_type": [])
    // is still this file's error, not an escaped library exception.
    try {
        return parse(text, origin);
    } catch (const json::exception& e) {
        throw Error(origin, std::string("unexpected value: ") + e.what());
    }
}

LoraConfig LoraConfig::parse(const std::string& text, const std::string& origin) {
    json root;
    try {
        root = json::parse(text);
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
        config.compiled_.emplace(*config.targetPattern, where("target_modules"));
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

}  // namespace abc
