// Internal to core/model (libtorch types).
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/safetensors.h"

namespace abc {

// The base model's tensors, single-file or sharded (model.safetensors.index.json), addressed
// by canonical name (tensor_names.h). Tensors are views of the memory mappings, which live as
// long as this reader; nothing is copied until the caller converts a tensor.
class CheckpointReader {
  public:
    explicit CheckpointReader(const std::filesystem::path& folder);

    bool contains(const std::string& canonicalName) const;
    // The tensor as stored (CPU, file dtype, read-only memory). Throws abc::Error naming the
    // file and tensor when it is absent or its dtype is not a floating type.
    at::Tensor view(const std::string& canonicalName) const;
    // "<file> tensor <checkpoint name>", for error messages.
    std::string describe(const std::string& canonicalName) const;
    const std::filesystem::path& folder() const { return folder_; }
    // Drops the resident pages of a view once its values were copied elsewhere: file pages
    // touched while converting would otherwise stay in the process's memory next to the
    // converted weights (1.5x their size for BF16 -> F32). Reading the view again re-reads
    // the file, so this is never wrong, only slower.
    static void releasePages(const at::Tensor& view);

  private:
    struct Location {
        std::size_t file = 0;
        std::string checkpointName;
    };
    std::filesystem::path folder_;
    std::vector<std::unique_ptr<SafetensorsFile>> files_;
    std::map<std::string, Location> tensors_;
};

// Wraps read-only bytes of a mapping as a CPU tensor of the stored dtype.
at::Tensor tensorFromStorage(const SafetensorsFile& file, const TensorInfo& info);

}  // namespace abc
