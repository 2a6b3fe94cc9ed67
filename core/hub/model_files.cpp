#include "core/hub/model_files.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

#include "core/hub/hub_cache_layout.h"
#include "core/io/error.h"

namespace abc {

std::vector<ModelFile> knownModelFiles(HubRepoKind kind) {
    if (kind == HubRepoKind::Adapter) {
        return {{"adapter_config.json", true}, {"adapter_model.safetensors", true}};
    }
    return {
        {"config.json", true},
        {"generation_config.json", false},
        {"preprocessor_config.json", true},
        {"chat_template.json", false},
        {"tokenizer.json", true},
        {"tokenizer_config.json", true},
        {"vocab.json", false},
        {"merges.txt", false},
        {kSafetensorsIndex, false},  // absent: a single model.safetensors
    };
}

std::vector<std::string> shardsOfIndex(const std::filesystem::path& index) {
    std::ifstream in(index);
    if (!in) {
        throw Error(index.string(), "cannot be read");
    }
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(index.string(), std::string("is not JSON: ") + e.what());
    }
    if (!json.contains("weight_map") || !json["weight_map"].is_object()) {
        throw Error(index.string(), "has no weight_map object");
    }
    std::set<std::string> shards;
    for (const auto& [tensor, shard] : json["weight_map"].items()) {
        if (!shard.is_string()) {
            throw Error(index.string(), "weight_map[" + tensor + "] is not a file name");
        }
        const std::string name = shard.get<std::string>();
        if (!isSafeRepoFile(name)) {
            throw Error(index.string(), "weight_map[" + tensor + "] names " + name +
                                            ", which is outside the repository");
        }
        shards.insert(name);
    }
    return {shards.begin(), shards.end()};
}

}  // namespace abc
