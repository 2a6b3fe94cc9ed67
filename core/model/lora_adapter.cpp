#include "core/model/lora_adapter.h"

#include <algorithm>

#include "core/io/error.h"
#include "core/io/safetensors.h"
#include "core/model/checkpoint_reader.h"
#include "core/model/tensor_names.h"

namespace abc {
namespace fs = std::filesystem;

namespace {

std::string shapeText(at::IntArrayRef shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

}  // namespace

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
