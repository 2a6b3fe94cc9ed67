#include "core/hub/hub_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

#include "core/hub/hub_cache_layout.h"
#include "core/version.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

std::string trimmed(std::string text) {
    const auto notSpace = [](unsigned char c) { return std::isspace(c) == 0; };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), notSpace));
    text.erase(std::find_if(text.rbegin(), text.rend(), notSpace).base(), text.end());
    return text;
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// huggingface_hub's _normalize_etag: a weak marker and the quotes are not part of the name.
std::string normalizedEtag(std::string etag) {
    etag = trimmed(std::move(etag));
    if (etag.rfind("W/", 0) == 0) {
        etag.erase(0, 2);
    }
    etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
    return etag;
}

// Percent-encodes all but RFC 3986's unreserved characters, keeping '/' where `keepSlash`
// (huggingface_hub quotes the revision with safe="" and the file path with safe="/").
std::string percentEncoded(const std::string& text, bool keepSlash) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keepSlash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

void initialiseCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw Error("libcurl", "curl_global_init failed");
        }
    });
}

// scheme://host[:port] of a URL, for relative redirects.
std::string origin(const std::string& url) {
    const auto scheme = url.find("://");
    const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return path == std::string::npos ? url : url.substr(0, path);
}

std::string statusAdvice(long status, const std::string& errorCode) {
    if (errorCode == "GatedRepo" || status == 403) {
        return "the repository is gated: accept its terms on the hub, then set HF_TOKEN (or run "
               "`huggingface-cli login`) with a token that has access";
    }
    if (status == 401) {
        return "not authorised: the repository is private, gated or does not exist; check the id "
               "and set HF_TOKEN (or run `huggingface-cli login`)";
    }
    if (errorCode == "RevisionNotFound") {
        return "the revision does not exist";
    }
    if (errorCode == "RepositoryNotFound") {
        return "the repository does not exist";
    }
    if (status == 404) {
        return "not found";
    }
    if (status >= 500) {
        return "the hub failed (server error)";
    }
    return "unexpected answer";
}

}  // namespace

bool hubOffline() {
    const std::string value = lowercase(trimmed(environment("HF_HUB_OFFLINE")));
    return value == "1" || value == "on" || value == "yes" || value == "true";
}

HubClientOptions HubClientOptions::fromEnvironment() {
    HubClientOptions options;
    if (auto endpoint = trimmed(environment("HF_ENDPOINT")); !endpoint.empty()) {
        while (!endpoint.empty() && endpoint.back() == '/') {
            endpoint.pop_back();
        }
        options.endpoint = endpoint;
    }
    options.token = trimmed(environment("HF_TOKEN"));
    if (options.token.empty()) {
        fs::path tokenFile = environment("HF_TOKEN_PATH");
        if (tokenFile.empty()) {
            fs::path home = environment("HF_HOME");
            if (home.empty()) {
                const auto xdg = environment("XDG_CACHE_HOME");
                home = (xdg.empty() ? fs::path(environment("HOME")) / ".cache" : fs::path(xdg)) /
                       "huggingface";
            }
            tokenFile = home / "token";
        }
        std::ifstream in(tokenFile);
        std::string line;
        std::getline(in, line);
        options.token = trimmed(line);
    }
    return options;
}

struct HubClient::Curl {
    CURL* handle = nullptr;
    curl_slist* headers = nullptr;
    ~Curl() {
        curl_slist_free_all(headers);
        if (handle != nullptr) {
            curl_easy_cleanup(handle);
        }
    }
};

namespace {

struct HeaderBlock {
    long status = 0;
    std::map<std::string, std::string> fields;  // lowercase names
    std::string get(const std::string& name) const {
        const auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    }
};

size_t collectHeader(char* data, size_t size, size_t count, void* user) {
    auto* block = static_cast<HeaderBlock*>(user);
    const std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        block->fields.clear();  // a new response (after 100 Continue or a redirect)
    } else if (const auto colon = line.find(':'); colon != std::string::npos) {
        block->fields[lowercase(trimmed(line.substr(0, colon)))] = trimmed(line.substr(colon + 1));
    }
    return size * count;
}

size_t discardBody(char*, size_t size, size_t count, void*) {
    return size * count;
}

struct Sink {
    fs::path path;
    std::FILE* file = nullptr;
    std::uint64_t size = 0;       // bytes in the file
    std::uint64_t resumedAt = 0;  // where this GET's Range started
    bool checkedStatus = false;
    CURL* handle = nullptr;
    const std::function<void(std::uint64_t)>* onBytes = nullptr;
    const std::function<bool()>* shouldStop = nullptr;
    bool stopped = false;
    // libcurl's low-speed limit averages over several seconds; a stall is seen sooner here.
    std::chrono::steady_clock::duration stallAfter{};
    std::chrono::steady_clock::time_point lastGrowth = std::chrono::steady_clock::now();
    curl_off_t lastReceived = 0;
    bool stalled = false;
    std::string writeError;
};

size_t writeBody(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    if (!sink->checkedStatus) {
        sink->checkedStatus = true;
        long status = 0;
        curl_easy_getinfo(sink->handle, CURLINFO_RESPONSE_CODE, &status);
        if (status == 200 && sink->resumedAt > 0) {
            // The server sent the whole file, not the range: start the file over.
            if (std::freopen(sink->path.c_str(), "wb", sink->file) == nullptr) {
                sink->writeError = "cannot be truncated";
                return 0;
            }
            sink->size = 0;
        }
    }
    const size_t bytes = size * count;
    if (std::fwrite(data, 1, bytes, sink->file) != bytes) {
        sink->writeError = "cannot be written (disk full?)";
        return 0;
    }
    sink->size += bytes;
    (*sink->onBytes)(sink->size);
    return bytes;
}

int checkStop(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
    auto* sink = static_cast<Sink*>(user);
    if ((*sink->shouldStop)()) {
        sink->stopped = true;
        return 1;
    }
    const auto now = std::chrono::steady_clock::now();
    if (received != sink->lastReceived) {
        sink->lastReceived = received;
        sink->lastGrowth = now;
    } else if (now - sink->lastGrowth > sink->stallAfter) {
        sink->stalled = true;
        return 1;
    }
    return 0;
}

void setCommon(CURL* handle, const HubClientOptions& options, curl_slist* headers) {
    curl_easy_reset(handle);
    curl_easy_setopt(handle, CURLOPT_USERAGENT,
                     (std::string("abc-photos/") + kVersion + " (libcurl)").c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, options.connectTimeoutSeconds);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, options.stallSeconds);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
}

}  // namespace

HubClient::HubClient(HubClientOptions options)
    : options_(std::move(options)), curl_(std::make_unique<Curl>()) {
    initialiseCurlOnce();
    curl_->handle = curl_easy_init();
    if (curl_->handle == nullptr) {
        throw Error("libcurl", "curl_easy_init failed");
    }
    if (!options_.token.empty()) {
        // libcurl drops a custom Authorization header on a redirect to another host, so the
        // token never reaches the CDN.
        curl_->headers =
            curl_slist_append(curl_->headers, ("Authorization: Bearer " + options_.token).c_str());
    }
    curl_->headers = curl_slist_append(curl_->headers, "Accept-Encoding: identity");
}

HubClient::~HubClient() = default;

std::string HubClient::resolveUrl(const std::string& repoId, const std::string& revision,
                                  const std::string& file) const {
    return options_.endpoint + "/" + repoId + "/resolve/" + percentEncoded(revision, false) + "/" +
           percentEncoded(file, true);
}

std::optional<HubFileMetadata> HubClient::head(const std::string& repoId,
                                               const std::string& revision,
                                               const std::string& file) {
    const std::string subject = repoId + "@" + revision + ": " + file;
    std::string url = resolveUrl(repoId, revision, file);
    for (int hop = 0; hop < 10; ++hop) {
        CURL* handle = curl_->handle;
        setCommon(handle, options_, curl_->headers);
        HeaderBlock block;
        curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
        curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &collectHeader);
        curl_easy_setopt(handle, CURLOPT_HEADERDATA, &block);
        curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &discardBody);
        const CURLcode code = curl_easy_perform(handle);
        if (code != CURLE_OK) {
            throw HubError(subject,
                           std::string("cannot reach ") + url + ": " + curl_easy_strerror(code), 0);
        }
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &block.status);
        const std::string errorCode = block.get("x-error-code");
        if (block.status >= 300 && block.status < 400) {
            const std::string location = block.get("location");
            if (!location.empty() && location.front() == '/') {
                url = origin(url) + location;  // renamed repo: ask the hub again
                continue;
            }
        } else if (block.status == 404 && errorCode != "RepositoryNotFound" &&
                   errorCode != "RevisionNotFound") {
            return std::nullopt;
        } else if (block.status >= 400) {
            std::string problem = "HTTP " + std::to_string(block.status) + ": " +
                                  statusAdvice(block.status, errorCode);
            if (const auto message = block.get("x-error-message"); !message.empty()) {
                problem += " (hub: " + message + ")";
            }
            throw HubError(subject, problem, block.status);
        }
        HubFileMetadata metadata;
        metadata.commit = block.get("x-repo-commit");
        const std::string linked = block.get("x-linked-etag");
        metadata.lfs = !linked.empty();
        metadata.etag = normalizedEtag(metadata.lfs ? linked : block.get("etag"));
        const std::string size =
            metadata.lfs ? block.get("x-linked-size") : block.get("content-length");
        try {
            metadata.size = size.empty() ? 0 : std::stoull(size);
        } catch (const std::exception&) {
            throw HubError(subject, "the hub sent a size that is not a number: " + size, 0);
        }
        if (metadata.commit.empty() || metadata.etag.empty()) {
            throw HubError(subject,
                           "the answer from " + url +
                               " lacks X-Repo-Commit or ETag; is HF_ENDPOINT a Hugging Face hub?",
                           block.status);
        }
        // Both become file names in the cache: refuse what could lead outside it.
        if (!isCommitHash(metadata.commit)) {
            throw HubError(subject,
                           "the hub at " + url + " sent X-Repo-Commit \"" +
                               metadata.commit.substr(0, 80) +
                               "\", which is not a commit hash; nothing was written",
                           block.status);
        }
        if (!isSafeEtag(metadata.etag)) {
            throw HubError(subject,
                           "the hub at " + url + " sent the etag \"" + metadata.etag.substr(0, 80) +
                               "\", which cannot name a file in the cache; nothing was written",
                           block.status);
        }
        return metadata;
    }
    throw HubError(subject, "too many redirects from " + url, 0);
}

TransferResult HubClient::download(const std::string& url, const fs::path& partial,
                                   const std::function<void(std::uint64_t)>& onBytes,
                                   const std::function<bool()>& shouldStop) {
    Sink sink;
    sink.path = partial;
    std::error_code ec;
    sink.resumedAt = fs::exists(partial, ec) ? fs::file_size(partial) : 0;
    sink.size = sink.resumedAt;
    sink.file = std::fopen(partial.c_str(), "ab");
    if (sink.file == nullptr) {
        throw Error(partial.string(), "cannot be opened for writing");
    }
    sink.stallAfter = std::chrono::seconds(options_.stallSeconds);
    sink.onBytes = &onBytes;
    sink.shouldStop = &shouldStop;
    CURL* handle = curl_->handle;
    sink.handle = handle;
    setCommon(handle, options_, curl_->headers);
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &writeBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &checkStop);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &sink);
    const std::string range = std::to_string(sink.resumedAt) + "-";
    if (sink.resumedAt > 0) {
        curl_easy_setopt(handle, CURLOPT_RANGE, range.c_str());
    }
    const CURLcode code = curl_easy_perform(handle);
    const bool flushed = std::fflush(sink.file) == 0 && ::fsync(fileno(sink.file)) == 0;
    std::fclose(sink.file);
    if (!sink.writeError.empty()) {
        throw Error(partial.string(), sink.writeError);
    }
    if (!flushed) {
        throw Error(partial.string(), "cannot be written (disk full?)");
    }
    if (sink.stopped) {
        return {TransferOutcome::Stopped, {}};
    }
    if (sink.stalled) {
        return {TransferOutcome::Retryable,
                "no data for " + std::to_string(options_.stallSeconds) + " s from " + url};
    }
    if (code == CURLE_OK) {
        return {TransferOutcome::Complete, {}};
    }
    if (code == CURLE_HTTP_RETURNED_ERROR) {
        long status = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        if (status == 416) {
            fs::resize_file(partial, 0);  // the partial file is longer than the file: start over
            return {TransferOutcome::Retryable, "HTTP 416 for the range " + range};
        }
        if (status >= 500 || status == 429) {
            return {TransferOutcome::Retryable, "HTTP " + std::to_string(status) + " from " + url};
        }
        throw HubError(url, "HTTP " + std::to_string(status) + ": " + statusAdvice(status, {}),
                       status);
    }
    return {TransferOutcome::Retryable, std::string(curl_easy_strerror(code)) + " (" + url + ")"};
}

}  // namespace abc
