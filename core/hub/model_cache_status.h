#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/hub/model_download.h"

namespace abc {

// What the hub cache holds of one repository, read from disk alone (works offline).
struct RepoCacheStatus {
    std::string repoId;
    std::string revision;
    std::optional<std::string> commit;  // nothing: the cache does not know the revision
    std::vector<std::string> presentFiles;
    std::vector<std::string> missingFiles;  // of those the model needs
    std::uint64_t bytesOnDisk = 0;          // what the snapshot's files take
    std::uint64_t partialBytes = 0;         // .incomplete blobs a download will resume
    bool complete() const { return commit.has_value() && missingFiles.empty(); }
};

// The files the model needs are the required ones of knownModelFiles and the weights (the
// shards its index names, else model.safetensors); optional files are not counted, since a
// cache huggingface_hub wrote marks no absent file.
RepoCacheStatus repoCacheStatus(const std::filesystem::path& cacheRoot, const HubRepoRequest& repo);

enum class FileCheckResult { Matches, Mismatch, Missing, NotChecked };

struct FileCheck {
    std::string file;
    FileCheckResult result = FileCheckResult::NotChecked;
    std::string detail;  // the sha256 found on a mismatch; why a file was not checked
};

// Every file the snapshot holds of what the model needs, checked against its blob name: an
// LFS blob is named by its sha256, which is computed again. Other blobs are named by a git
// hash and only checked to be there. `keepGoing` can stop a long check (abc::Cancelled).
std::vector<FileCheck> verifyRepoCache(const std::filesystem::path& cacheRoot,
                                       const HubRepoRequest& repo,
                                       const std::function<bool()>& keepGoing = {});

}  // namespace abc
