#include "core/hub/model_cache_status.h"

#include "core/hub/hub_cache_layout.h"
#include "core/hub/sha256.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> neededFiles(const HubCacheRepo& cache, const std::string& commit,
                                     HubRepoKind kind) {
    std::vector<std::string> needed;
    for (const auto& file : knownModelFiles(kind)) {
        if (file.required) {
            needed.push_back(file.name);
        }
    }
    if (kind == HubRepoKind::BaseModel) {
        const auto index = cache.snapshotFile(commit, kSafetensorsIndex);
        std::error_code ec;
        if (fs::exists(index, ec)) {
            needed.push_back(kSafetensorsIndex);
            for (auto& shard : shardsOfIndex(index)) {
                needed.push_back(std::move(shard));
            }
        } else {
            needed.push_back(kSingleSafetensors);
        }
    }
    return needed;
}

}  // namespace

RepoCacheStatus repoCacheStatus(const fs::path& cacheRoot, const HubRepoRequest& repo) {
    const HubCacheRepo cache(cacheRoot, repo.repoId);
    RepoCacheStatus status;
    status.repoId = repo.repoId;
    status.revision = repo.revision;
    std::error_code ec;
    if (fs::is_directory(cache.folder() / "blobs", ec)) {
        for (const auto& entry : fs::directory_iterator(cache.folder() / "blobs", ec)) {
            if (entry.path().extension() == ".incomplete") {
                status.partialBytes += entry.file_size(ec);
            }
        }
    }
    if (!fs::is_directory(cache.folder(), ec)) {
        return status;
    }
    status.commit = cache.commitFor(repo.revision);
    if (!status.commit) {
        return status;
    }
    for (const auto& file : neededFiles(cache, *status.commit, repo.kind)) {
        const auto path = cache.snapshotFile(*status.commit, file);
        if (fs::exists(path, ec)) {  // follows the link: a dangling one is missing
            status.presentFiles.push_back(file);
            status.bytesOnDisk += fs::file_size(path, ec);
        } else {
            status.missingFiles.push_back(file);
        }
    }
    return status;
}

std::vector<FileCheck> verifyRepoCache(const fs::path& cacheRoot, const HubRepoRequest& repo,
                                       const std::function<bool()>& keepGoing) {
    const HubCacheRepo cache(cacheRoot, repo.repoId);
    const auto commit = cache.commitFor(repo.revision);
    if (!commit) {
        return {{repo.repoId + "@" + repo.revision, FileCheckResult::Missing, "not in the cache"}};
    }
    std::vector<FileCheck> checks;
    for (const auto& file : neededFiles(cache, *commit, repo.kind)) {
        const auto path = cache.snapshotFile(*commit, file);
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            checks.push_back({file, FileCheckResult::Missing, "not in the snapshot"});
            continue;
        }
        const std::string blobName = fs::canonical(path).filename().string();
        if (!isSha256Hex(blobName)) {
            checks.push_back({file, FileCheckResult::NotChecked, "not an LFS file"});
            continue;
        }
        const std::string actual = sha256OfFile(path, keepGoing);
        if (actual == blobName) {
            checks.push_back({file, FileCheckResult::Matches, {}});
        } else {
            checks.push_back({file, FileCheckResult::Mismatch, "sha256 " + actual});
        }
    }
    return checks;
}

}  // namespace abc
