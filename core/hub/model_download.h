#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/hub/download_control.h"
#include "core/hub/hub_cache_layout.h"
#include "core/hub/hub_client.h"
#include "core/hub/model_files.h"

namespace abc {

// One repository to fetch into the hub cache.
struct HubRepoRequest {
    std::string repoId;
    HubRepoKind kind = HubRepoKind::Adapter;
    std::string revision = "main";  // a branch, tag or commit hash (pinned)
};

struct ModelDownloadRequest {
    std::vector<HubRepoRequest> repos;
    std::filesystem::path cacheRoot = huggingFaceHubCache();
    HubClientOptions client = HubClientOptions::fromEnvironment();
    int parallelFiles = 4;
    // Consecutive failed attempts (dropped connection, stall, 5xx) that moved no byte before a
    // file is given up; each attempt resumes where the last one stopped.
    int attemptsPerFile = 5;
    std::chrono::milliseconds retryDelay{1000};
    // Bytes kept free beyond what the download needs, so the disk is never filled to the end.
    std::uint64_t freeSpaceMargin = 256ull << 20;
};

enum class DownloadStage { Checking, Downloading, Done };

// What a progress callback sees, a few times a second, on the thread that called
// downloadModel (a GUI posts it to its own thread).
struct DownloadProgress {
    DownloadStage stage = DownloadStage::Checking;
    std::uint64_t doneBytes = 0;   // of the files this run fetches, resumed bytes included
    std::uint64_t totalBytes = 0;  // what this run fetches (cached blobs not counted)
    double bytesPerSecond = 0;     // over the last few seconds
    double etaSeconds = -1;        // -1 while unknown
    std::size_t filesDone = 0;
    std::size_t filesTotal = 0;
    bool paused = false;
};

struct RepoDownloadResult {
    std::string repoId;
    std::string revision;
    std::string commit;
    std::filesystem::path snapshot;
    std::size_t filesFetched = 0;
    std::size_t filesCached = 0;  // blobs that were there already (another run, huggingface_hub)
    std::uint64_t bytesOnDisk = 0;
};

// Fetches every file the repositories need into the hub cache as huggingface_hub lays it out,
// several files at once: each blob is written under its .lock into blobs/<etag>.incomplete,
// resumed with Range after a dropped connection or a restart, checked against its sha256 (LFS)
// and its size, then renamed and linked under snapshots/<commit>/. refs/<revision> is written
// once a repository is complete, so the resolver never takes a half snapshot for the model.
// Throws abc::Error for HF_HUB_OFFLINE, too little free disk space, a checksum mismatch (the
// bad file removed) or an unwritable cache; HubError for what the hub answers (401, 404, ...);
// abc::Cancelled when `control` is cancelled (partial files kept for the next run).
std::vector<RepoDownloadResult> downloadModel(
    const ModelDownloadRequest& request, DownloadControl& control,
    const std::function<void(const DownloadProgress&)>& onProgress = {});

}  // namespace abc
