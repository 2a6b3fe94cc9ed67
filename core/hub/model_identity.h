#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hub/model_resolver.h"

namespace abc {

// How a checkpoint is named inside the model fingerprint (the key of a library's vector set).
// A hub snapshot is its commit hash, exactly as before, so libraries indexed from the hub keep
// their vectors. A local folder is named by its content (folderContentIdentity), not its
// path, so moving or copying the folder keeps the vectors valid.
std::string modelIdentity(const ResolvedModel& resolved);

// "content-xxh3:" + 32 hex digits over the folder's top-level regular files (symlinks
// followed), in name order, each contributing its name and byte size and:
//   - *.json, *.txt, *.model, *.jinja (configs, adapter config, tokenizer): every byte;
//   - *.safetensors: the 8-byte header length, the whole JSON header (tensor names, dtypes,
//     shapes, offsets) and the bytes of sampledWeightRanges (not every byte: a 16 GB model
//     costs a few hundred KB of reads);
//   - any other file (README.md, .gitattributes, *.bin the engine does not read): nothing.
// Not covered: a weight edit that keeps the file size and header and touches no sampled byte,
// and files in subfolders. Throws abc::Error when the folder or a covered file is unreadable.
std::string folderContentIdentity(const std::filesystem::path& folder);

struct ByteRange {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

// The weight bytes of a safetensors file (data from `dataStart` to `fileSize`) that take part
// in its identity: the first and last 64 KiB and 32 blocks of 4 KiB spread evenly between
// them, in increasing offset order, never past the end of the file.
std::vector<ByteRange> sampledWeightRanges(std::uint64_t fileSize, std::uint64_t dataStart);

}  // namespace abc
