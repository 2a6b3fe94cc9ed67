#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/io/error.h"

namespace abc {

// Where the hub is and who asks, as huggingface_hub reads it from the environment.
struct HubClientOptions {
    std::string endpoint = "https://huggingface.co";
    std::string token;  // empty: anonymous
    // A transfer that moves no byte for this long is dropped and resumed (a stalled CDN).
    long stallSeconds = 60;
    long connectTimeoutSeconds = 20;

    // $HF_ENDPOINT; $HF_TOKEN, else the file $HF_TOKEN_PATH, else $HF_HOME/token (HF_HOME
    // defaulting to ${XDG_CACHE_HOME:-~/.cache}/huggingface), which `huggingface-cli login`
    // writes.
    static HubClientOptions fromEnvironment();
};

// $HF_HUB_OFFLINE set to 1/ON/YES/TRUE: nothing may be fetched from the network.
bool hubOffline();

// What a HEAD on resolve/<revision>/<file> says, before any byte is fetched.
struct HubFileMetadata {
    std::string commit;      // X-Repo-Commit: the revision pinned to a commit
    std::string etag;        // X-Linked-Etag (LFS: the sha256), else ETag; quotes and W/ removed
    std::uint64_t size = 0;  // X-Linked-Size, else Content-Length
    bool lfs = false;        // X-Linked-Etag present: the etag is the content's sha256
};

// The hub answered with an HTTP error, or could not be reached. `status` is 0 for a network
// failure. The message says what to do (a token for 401/403, the id for 404).
class HubError : public Error {
  public:
    HubError(std::string subject, const std::string& problem, long status)
        : Error(std::move(subject), problem), status_(status) {}
    long status() const { return status_; }

  private:
    long status_;
};

// How one GET ended when it did not throw.
enum class TransferOutcome {
    Complete,   // the file holds every byte
    Stopped,    // `shouldStop` asked for it; the partial file is kept for a later resume
    Retryable,  // dropped connection, stall, 5xx: resume with Range
};

struct TransferResult {
    TransferOutcome outcome = TransferOutcome::Complete;
    std::string problem;  // for Retryable: what went wrong, for the final error message
};

// One connection to the hub (libcurl, TLS verified). Not thread-safe: one per worker thread.
class HubClient {
  public:
    explicit HubClient(HubClientOptions options);
    ~HubClient();
    HubClient(const HubClient&) = delete;
    HubClient& operator=(const HubClient&) = delete;

    const HubClientOptions& options() const { return options_; }

    // {endpoint}/{repo}/resolve/{revision}/{file}, revision and file percent-encoded.
    std::string resolveUrl(const std::string& repoId, const std::string& revision,
                           const std::string& file) const;

    // HEAD without following redirects to another host (the CDN's answer lacks the hub's
    // headers); relative redirects (a renamed repo) are followed. Nothing when the revision
    // has no such file (404 EntryNotFound). Throws HubError for 401/403 (gated, private or
    // unknown repo), an unknown revision, other HTTP errors and unreachable hosts.
    std::optional<HubFileMetadata> head(const std::string& repoId, const std::string& revision,
                                        const std::string& file);

    // GET following redirects, appending to `partial` from its current size (Range); a server
    // that ignores Range makes it start over. `onBytes` gets the file's size as it grows;
    // `shouldStop` is polled a few times a second. Throws HubError for HTTP errors a retry
    // cannot mend (4xx), abc::Error when the file cannot be written.
    TransferResult download(const std::string& url, const std::filesystem::path& partial,
                            const std::function<void(std::uint64_t)>& onBytes,
                            const std::function<bool()>& shouldStop);

  private:
    struct Curl;
    HubClientOptions options_;
    std::unique_ptr<Curl> curl_;
};

}  // namespace abc
