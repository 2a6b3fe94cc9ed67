#include "core/hub/model_download.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "core/hub/blob_lock.h"
#include "core/hub/hub_cache_layout.h"
#include "core/hub/sha256.h"
#include "core/io/byte_size.h"
#include "core/io/error.h"

namespace abc {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct FileJob {
    std::size_t repo = 0;
    std::string file;
    HubFileMetadata metadata;
    std::atomic<std::uint64_t> bytes{0};  // in the partial file, or the whole size once done
    std::atomic<bool> done{false};
    bool counted = false;  // part of this run's totalBytes (not already a blob)
};

std::uint64_t sizeOr0(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    return ec ? 0 : size;
}

bool present(const fs::path& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

// The nearest folder that exists, for statvfs on a cache root not made yet.
fs::path existingAncestor(fs::path path) {
    while (!path.empty() && !present(path)) {
        path = path.parent_path();
    }
    return path.empty() ? fs::current_path() : path;
}

class Downloader {
  public:
    Downloader(const ModelDownloadRequest& request, DownloadControl& control,
               const std::function<void(const DownloadProgress&)>& onProgress)
        : request_(request), control_(control), onProgress_(onProgress) {
        for (const auto& repo : request_.repos) {
            caches_.emplace_back(request_.cacheRoot, repo.repoId);
            results_.push_back({repo.repoId, repo.revision, {}, {}, 0, 0, 0});
        }
    }

    std::vector<RepoDownloadResult> run() {
        HubClient client(request_.client);
        for (std::size_t i = 0; i < request_.repos.size(); ++i) {
            plan(i, client);
        }
        checkFreeSpace();
        fetchAll();
        for (std::size_t i = 0; i < request_.repos.size(); ++i) {
            auto& result = results_[i];
            caches_[i].writeRef(request_.repos[i].revision, result.commit);
            result.snapshot = caches_[i].snapshot(result.commit);
        }
        for (const auto& job : jobs_) {
            results_[job.repo].bytesOnDisk += job.metadata.size;
        }
        report(DownloadStage::Done);
        return results_;
    }

  private:
    const ModelDownloadRequest& request_;
    DownloadControl& control_;
    const std::function<void(const DownloadProgress&)>& onProgress_;
    std::vector<HubCacheRepo> caches_;
    std::vector<RepoDownloadResult> results_;
    std::deque<FileJob> jobs_;  // stable addresses: workers hold references
    std::uint64_t totalBytes_ = 0;
    std::uint64_t startBytes_ = 0;
    std::deque<std::pair<Clock::time_point, std::uint64_t>> samples_;
    std::atomic<bool> failed_{false};
    std::mutex resultsMutex_;

    bool keepGoing() const { return !control_.cancelled() && !failed_; }

    FileJob& addJob(std::size_t repo, const std::string& file, const HubFileMetadata& metadata) {
        auto& job = jobs_.emplace_back();
        job.repo = repo;
        job.file = file;
        job.metadata = metadata;
        return job;
    }

    // A HEAD, asked again after a network failure or a 5xx as a GET would be; a 4xx is final.
    std::optional<HubFileMetadata> head(HubClient& client, const std::string& repoId,
                                        const std::string& revision, const std::string& file) {
        for (int failures = 1;; ++failures) {
            try {
                return client.head(repoId, revision, file);
            } catch (const HubError& e) {
                const bool transient = e.status() == 0 || e.status() >= 500 || e.status() == 429;
                if (!transient || failures >= request_.attemptsPerFile) {
                    throw;
                }
            }
            const auto until = Clock::now() + request_.retryDelay * failures;
            while (Clock::now() < until) {
                if (control_.cancelled()) {
                    throw Cancelled();
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    }

    // HEADs every file at the revision's commit, fetching the safetensors index on the way to
    // learn the shards.
    void plan(std::size_t repo, HubClient& client) {
        report(DownloadStage::Checking);
        const auto& wanted = request_.repos[repo];
        const auto files = knownModelFiles(wanted.kind);
        const auto first = head(client, wanted.repoId, wanted.revision, files.front().name);
        if (!first) {
            throw Error(
                wanted.repoId + "@" + wanted.revision,
                "has no " + files.front().name + "; is it " +
                    (wanted.kind == HubRepoKind::Adapter ? "a PEFT adapter" : "a Qwen2-VL model") +
                    "?");
        }
        const std::string commit = first->commit;
        results_[repo].commit = commit;
        addJob(repo, files.front().name, *first);
        bool hasIndex = false;
        for (std::size_t i = 1; i < files.size(); ++i) {
            if (control_.cancelled()) {
                throw Cancelled();
            }
            // Pinned to the commit, so a branch that moves meanwhile cannot mix two revisions.
            const auto metadata = head(client, wanted.repoId, commit, files[i].name);
            if (!metadata) {
                if (files[i].required) {
                    throw Error(wanted.repoId + "@" + commit, "has no " + files[i].name);
                }
                caches_[repo].markMissing(commit, files[i].name);
                continue;
            }
            auto& job = addJob(repo, files[i].name, *metadata);
            if (files[i].name == kSafetensorsIndex) {
                hasIndex = true;
                fetch(job, client);
            }
        }
        if (wanted.kind != HubRepoKind::BaseModel) {
            return;
        }
        const std::vector<std::string> weights =
            hasIndex ? shardsOfIndex(caches_[repo].snapshotFile(commit, kSafetensorsIndex))
                     : std::vector<std::string>{kSingleSafetensors};
        for (const auto& name : weights) {
            const auto metadata = head(client, wanted.repoId, commit, name);
            if (!metadata) {
                throw Error(wanted.repoId + "@" + commit,
                            "has no " + name + (hasIndex ? " (named by its index)" : ""));
            }
            addJob(repo, name, *metadata);
        }
    }

    void checkFreeSpace() {
        std::uint64_t needed = 0;
        for (auto& job : jobs_) {
            const auto& cache = caches_[job.repo];
            if (job.done || present(cache.blob(job.metadata.etag))) {
                continue;
            }
            const auto partial =
                std::min(sizeOr0(cache.incompleteBlob(job.metadata.etag)), job.metadata.size);
            job.counted = true;
            job.bytes = partial;
            totalBytes_ += job.metadata.size;
            startBytes_ += partial;
            needed += job.metadata.size - partial;
        }
        const auto where = existingAncestor(request_.cacheRoot);
        const auto available = fs::space(where).available;
        if (needed > 0 && available < needed + request_.freeSpaceMargin) {
            throw Error(where.string(), "not enough free disk space: the model needs " +
                                            byteSizeText(needed) + " more, " +
                                            byteSizeText(available) + " is free");
        }
    }

    void fetchAll() {
        std::atomic<std::size_t> next{0};
        std::exception_ptr firstError;
        std::mutex errorMutex;
        std::atomic<int> running{0};
        const int workers = std::max(1, request_.parallelFiles);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w) {
            ++running;
            threads.emplace_back([&] {
                try {
                    HubClient client(request_.client);
                    for (std::size_t i = next++; i < jobs_.size() && keepGoing(); i = next++) {
                        if (!jobs_[i].done) {
                            fetch(jobs_[i], client);
                        }
                    }
                } catch (...) {
                    const std::lock_guard lock(errorMutex);
                    if (!firstError) {
                        firstError = std::current_exception();
                    }
                    failed_ = true;
                }
                --running;
            });
        }
        while (running > 0) {
            report(DownloadStage::Downloading);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        for (auto& thread : threads) {
            thread.join();
        }
        if (firstError) {
            std::rethrow_exception(firstError);
        }
        if (control_.cancelled()) {
            throw Cancelled();
        }
    }

    void fetch(FileJob& job, HubClient& client) {
        const auto& cache = caches_[job.repo];
        const auto& etag = job.metadata.etag;
        const std::string commit = results_[job.repo].commit;
        const auto blob = cache.blob(etag);
        bool fetched = false;
        if (!present(blob)) {
            const BlobLock lock(cache.lockFile(etag), [this] { return keepGoing(); });
            if (!present(blob)) {  // another process may have written it while this one waited
                writeBlob(job, client, cache.incompleteBlob(etag), blob);
                fetched = true;
            }
        }
        cache.linkSnapshotFile(commit, job.file, etag);
        job.bytes = job.metadata.size;
        job.done = true;
        const std::lock_guard lock(resultsMutex_);
        ++(fetched ? results_[job.repo].filesFetched : results_[job.repo].filesCached);
    }

    void writeBlob(FileJob& job, HubClient& client, const fs::path& partial, const fs::path& blob) {
        const auto& wanted = request_.repos[job.repo];
        const std::string subject = wanted.repoId + ": " + job.file;
        fs::create_directories(partial.parent_path());
        if (sizeOr0(partial) > job.metadata.size) {
            fs::resize_file(partial, 0);  // longer than the file: not a prefix of it
        }
        const std::string url =
            client.resolveUrl(wanted.repoId, results_[job.repo].commit, job.file);
        const auto stop = [this] { return !keepGoing() || control_.paused(); };
        const auto grew = [&job](std::uint64_t size) { job.bytes = size; };
        int failures = 0;
        std::string lastProblem;
        while (sizeOr0(partial) < job.metadata.size || !present(partial)) {
            if (!keepGoing()) {
                throw Cancelled();
            }
            if (control_.paused()) {
                control_.waitWhilePaused();
                continue;
            }
            const auto before = sizeOr0(partial);
            const TransferResult result = client.download(url, partial, grew, stop);
            const auto after = sizeOr0(partial);
            job.bytes = after;
            if (result.outcome == TransferOutcome::Complete) {
                break;
            }
            if (result.outcome == TransferOutcome::Stopped) {
                continue;  // paused or cancelled: the loop's head decides
            }
            lastProblem = result.problem;
            failures = after > before ? 1 : failures + 1;
            if (failures >= request_.attemptsPerFile) {
                throw HubError(subject,
                               "download failed " + std::to_string(failures) +
                                   " times in a row, last: " + lastProblem +
                                   "; run it again to resume from " + byteSizeText(after),
                               0);
            }
            const auto until = Clock::now() + request_.retryDelay * failures;
            while (Clock::now() < until && keepGoing()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        const auto size = sizeOr0(partial);
        if (size != job.metadata.size) {
            fs::remove(partial);
            throw Error(subject, "the hub announced " + std::to_string(job.metadata.size) +
                                     " bytes but sent " + std::to_string(size) +
                                     "; the partial file was removed, run it again");
        }
        if (job.metadata.lfs) {
            const std::string actual = sha256OfFile(partial, [this] { return keepGoing(); });
            if (actual != job.metadata.etag) {
                fs::remove(partial);
                throw Error(subject, "checksum mismatch: sha256 " + actual + ", the hub says " +
                                         job.metadata.etag +
                                         "; the damaged download was removed, run it again");
            }
        }
        fs::rename(partial, blob);
    }

    void report(DownloadStage stage) {
        if (!onProgress_) {
            return;
        }
        DownloadProgress progress;
        progress.stage = stage;
        progress.totalBytes = totalBytes_;
        progress.paused = control_.paused();
        for (const auto& job : jobs_) {
            progress.filesTotal += 1;
            progress.filesDone += job.done ? 1 : 0;
            if (job.counted) {
                progress.doneBytes += job.bytes;
            }
        }
        // The rate over the last five seconds: steady enough to read, quick to show a stall.
        const auto now = Clock::now();
        samples_.emplace_back(now, progress.doneBytes);
        while (samples_.size() > 2 && now - samples_.front().first > std::chrono::seconds(5)) {
            samples_.pop_front();
        }
        const double seconds = std::chrono::duration<double>(now - samples_.front().first).count();
        if (seconds > 0.2 && progress.doneBytes >= samples_.front().second) {
            progress.bytesPerSecond =
                static_cast<double>(progress.doneBytes - samples_.front().second) / seconds;
        }
        if (progress.bytesPerSecond > 0) {
            progress.etaSeconds =
                static_cast<double>(progress.totalBytes -
                                    std::min(progress.totalBytes, progress.doneBytes)) /
                progress.bytesPerSecond;
        } else if (progress.doneBytes >= progress.totalBytes) {
            progress.etaSeconds = 0;
        }
        onProgress_(progress);
    }
};

}  // namespace

std::vector<RepoDownloadResult> downloadModel(
    const ModelDownloadRequest& request, DownloadControl& control,
    const std::function<void(const DownloadProgress&)>& onProgress) {
    if (hubOffline()) {
        std::string repos;
        for (const auto& repo : request.repos) {
            repos += (repos.empty() ? "" : ", ") + repo.repoId;
        }
        throw Error("HF_HUB_OFFLINE", "is set, so nothing is downloaded (" + repos +
                                          "); unset it to download, or use a cache that holds "
                                          "the model");
    }
    return Downloader(request, control, onProgress).run();
}

}  // namespace abc
