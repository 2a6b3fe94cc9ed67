#include "core/model/checkpoint_reader.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#include <unistd.h>
#define ABC_HAVE_MADVISE 1
#endif

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/io/error.h"
#include "core/model/tensor_names.h"

namespace abc {
namespace fs = std::filesystem;

at::Tensor tensorFromStorage(const SafetensorsFile& file, const TensorInfo& info) {
    at::ScalarType type;
    switch (info.dtype) {
        case TensorDType::F32:
            type = at::kFloat;
            break;
        case TensorDType::BF16:
            type = at::kBFloat16;
            break;
        case TensorDType::F16:
            type = at::kHalf;
            break;
        default:
            throw Error(file.path().string() + ": " + info.name,
                        "dtype " + std::string(dtypeName(info.dtype)) +
                            " is not a weight type (expected BF16, F16 or F32)");
    }
    // The mapping is read-only: callers convert (copy) before any in-place update.
    void* bytes = const_cast<std::byte*>(file.data(info));
    return at::from_blob(bytes, info.shape, at::TensorOptions().dtype(type));
}

CheckpointReader::CheckpointReader(const fs::path& folder) : folder_(folder) {
    const fs::path index = folder / "model.safetensors.index.json";
    std::vector<std::pair<std::string, fs::path>> expected;  // (tensor, shard) from the index
    std::vector<fs::path> shards;
    if (fs::exists(index)) {
        std::ifstream in(index, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        nlohmann::json root;
        try {
            root = nlohmann::json::parse(text.str());
        } catch (const nlohmann::json::exception& e) {
            throw Error(index.string(), std::string("not valid JSON: ") + e.what());
        }
        if (!root.is_object() || !root.contains("weight_map") ||
            !root.at("weight_map").is_object()) {
            throw Error(index.string(), "no \"weight_map\" object");
        }
        std::set<std::string> seen;
        for (const auto& [tensor, shard] : root.at("weight_map").items()) {
            if (!shard.is_string()) {
                throw Error(index.string() + ": " + tensor, "shard name must be a string");
            }
            const auto name = shard.get<std::string>();
            if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
                throw Error(index.string() + ": " + tensor,
                            "shard \"" + name + "\" is not a file name");
            }
            expected.emplace_back(tensor, folder / name);
            if (seen.insert(name).second) {
                shards.push_back(folder / name);
            }
        }
    } else if (fs::exists(folder / "model.safetensors")) {
        shards.push_back(folder / "model.safetensors");
    } else {
        throw Error(folder.string(),
                    "no model.safetensors.index.json or model.safetensors in the model folder");
    }

    std::map<fs::path, std::size_t> fileIndex;
    for (const auto& shard : shards) {
        if (!fs::exists(shard)) {
            throw Error(shard.string(), "shard listed in the index is missing");
        }
        files_.push_back(std::make_unique<SafetensorsFile>(SafetensorsFile::open(shard)));
        const std::size_t fileNumber = files_.size() - 1;
        fileIndex[shard] = fileNumber;
        for (const auto& info : files_.back()->tensors()) {
            const std::string canonical = canonicalTensorName(info.name);
            const auto [it, inserted] =
                tensors_.emplace(canonical, Location{fileNumber, info.name});
            if (!inserted) {
                throw Error(shard.string() + ": " + info.name,
                            "duplicate of " + describe(canonical) + " (same tensor twice)");
            }
        }
    }
    for (const auto& [tensor, shard] : expected) {
        const auto it = tensors_.find(canonicalTensorName(tensor));
        if (it == tensors_.end() || it->second.file != fileIndex.at(shard)) {
            throw Error(shard.string() + ": " + tensor,
                        "listed in model.safetensors.index.json but not in this shard");
        }
    }
}

bool CheckpointReader::contains(const std::string& canonicalName) const {
    return tensors_.count(canonicalName) != 0;
}

std::string CheckpointReader::describe(const std::string& canonicalName) const {
    const auto it = tensors_.find(canonicalName);
    if (it == tensors_.end()) {
        return folder_.string() + ": " + canonicalName;
    }
    return files_[it->second.file]->path().string() + ": " + it->second.checkpointName;
}

void CheckpointReader::releasePages(const at::Tensor& view) {
#ifdef ABC_HAVE_MADVISE
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(view.const_data_ptr());
    const auto end = begin + view.nbytes();
    // Whole pages inside the tensor only: a neighbour's bytes on a shared page stay resident.
    const std::uintptr_t first = (begin + page - 1) / page * page;
    const std::uintptr_t last = end / page * page;
    if (last > first) {
        madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    }
#else
    (void)view;
#endif
}

at::Tensor CheckpointReader::view(const std::string& canonicalName) const {
    const auto it = tensors_.find(canonicalName);
    if (it == tensors_.end()) {
        throw Error(folder_.string() + ": " + canonicalName, "tensor missing from the checkpoint");
    }
    const SafetensorsFile& file = *files_[it->second.file];
    return tensorFromStorage(file, file.at(it->second.checkpointName));
}

}  // namespace abc
