#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hub/model_resolver.h"

namespace abc {

// How a checkpoint is named inside the model fingerprint (the key of a library's vector set):
// by the content that changes vectors, never by where it lives or which commit holds it. A hub
// snapshot is named by the etags of its covered files (snapshotContentIdentity), so an upstream
// commit that only edits README.md keeps every vector; a local folder by its bytes
// (folderContentIdentity), so moving or copying it keeps them too.
std::string modelIdentity(const ResolvedModel& resolved);

// The names earlier versions gave the same content, so a library indexed by them keeps its
// vectors (LibraryStore::adoptModel renames its row). Up to this version a hub snapshot was
// named by its commit: the resolved commit and every other snapshot of the repository in the
// cache with the same content identity, resolved commit first. Nothing for a local folder
// (always named by content).
std::vector<std::string> formerModelIdentities(const ResolvedModel& resolved);

// "content-etag:" + 32 hex digits (XXH3-128) over the covered files of a hub snapshot (the same
// files as folderContentIdentity covers: configs, tokenizer, safetensors; not README.md or
// .gitattributes), in name order, each contributing its name and the etag of the blob it links
// to (../../blobs/<etag>: the sha256 of an LFS file such as a weight shard, the git blob sha1
// of a plain file), so no byte of the weights is read. A snapshot whose covered files are not
// all such links (a filesystem without symlinks holds copies) falls back to
// folderContentIdentity. Throws abc::Error when the folder is unreadable.
std::string snapshotContentIdentity(const std::filesystem::path& snapshot);

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
