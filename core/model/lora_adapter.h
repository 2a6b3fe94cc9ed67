// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/model/lora_config.h"

namespace abc {

// The low-rank update of one nn.Linear: delta_W = scaling * B @ A.
struct LoraPair {
    at::Tensor a;  // (r, in) float32
    at::Tensor b;  // (out, r) float32
    double scaling = 1.0;
};

// One adapter folder (adapter_config.json + adapter_model.safetensors), loaded into float32
// CPU tensors (adapters are small). The model claims each adapted module while binding its
// weights; whatever the model does not claim is reported as an adapter for another base.
class LoraAdapter {
  public:
    static LoraAdapter load(const std::filesystem::path& folder);

    const LoraConfig& config() const { return config_; }
    const std::filesystem::path& folder() const { return folder_; }
    const std::filesystem::path& weightsFile() const { return weightsFile_; }

    // The update for `moduleName` (canonical name) with shapes checked against (out, in), or
    // nullopt when the adapter does not target it. Throws abc::Error naming the file and
    // tensor when the targets and the stored tensors disagree or shapes do not fit.
    std::optional<LoraPair> claim(const std::string& moduleName, std::int64_t outFeatures,
                                  std::int64_t inFeatures);
    // A modules_to_save tensor (`mlp_head.linear_layer1.weight`), nullopt when absent.
    std::optional<at::Tensor> savedTensor(const std::string& name) const;
    // Throws abc::Error naming the first stored tensor nothing claimed.
    void requireAllClaimed() const;

  private:
    std::filesystem::path folder_;
    std::filesystem::path weightsFile_;
    LoraConfig config_;
    std::map<std::string, at::Tensor> loraTensors_;   // canonical module + ".lora_A/B.weight"
    std::map<std::string, at::Tensor> savedTensors_;  // modules_to_save
    std::map<std::string, std::string> storedNames_;  // canonical key -> name in the file
    std::set<std::string> claimed_;
};

}  // namespace abc
