#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace abc {

// What a repository is to ABC Photos: the base model (Qwen2-VL) or a PEFT LoRA adapter.
enum class HubRepoKind { BaseModel, Adapter };

// A file the model loads from a repository. Optional files that a revision lacks are marked
// under .no_exist/ (as huggingface_hub does) instead of failing the download.
struct ModelFile {
    std::string name;
    bool required = true;
};

// The files known before anything is fetched: the base model's config, generation,
// preprocessor, chat-template and tokenizer files and its safetensors index (the shards come
// from the index, see shardsOfIndex); an adapter's adapter_config.json and
// adapter_model.safetensors.
std::vector<ModelFile> knownModelFiles(HubRepoKind kind);

// The base model's weights index, and the single file a repository without one holds.
inline constexpr const char* kSafetensorsIndex = "model.safetensors.index.json";
inline constexpr const char* kSingleSafetensors = "model.safetensors";

// The shard file names an index's weight_map points at, sorted, each once. Throws abc::Error
// naming the index when it is not one.
std::vector<std::string> shardsOfIndex(const std::filesystem::path& index);

}  // namespace abc
