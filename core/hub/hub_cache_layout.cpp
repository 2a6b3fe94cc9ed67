#include "core/hub/hub_cache_layout.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string_view>
#include <system_error>

#include "core/io/error.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

std::string readFirstLine(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    return line;
}

// A sibling name unique to this process and thread, for write-then-rename.
fs::path besideTemporary(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    return target.parent_path() / (target.filename().string() + ".tmp" +
                                   std::to_string(::getpid()) + "-" + std::to_string(++counter));
}

// Every "/"-separated part is non-empty and neither "." nor "..": the path stays below the
// folder it is joined to (a leading "/" makes an empty first part).
bool hasOnlyPlainParts(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find('/', start), text.size());
        const auto part = text.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
        start = end + 1;
    }
    return true;
}

}  // namespace

fs::path huggingFaceHubCache() {
    if (const auto hubCache = environment("HF_HUB_CACHE"); !hubCache.empty()) {
        return hubCache;
    }
    if (const auto hfHome = environment("HF_HOME"); !hfHome.empty()) {
        return fs::path(hfHome) / "hub";
    }
    fs::path cacheRoot;
    if (const auto xdg = environment("XDG_CACHE_HOME"); !xdg.empty()) {
        cacheRoot = xdg;
    } else {
        cacheRoot = fs::path(environment("HOME")) / ".cache";
    }
    return cacheRoot / "huggingface" / "hub";
}

bool isHubId(const std::string& text) {
    static const std::regex pattern(R"(^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$)");
    return std::regex_match(text, pattern) && text.find("..") == std::string::npos;
}

bool isCommitHash(const std::string& text) {
    static const std::regex pattern("^[0-9a-f]{40}$");
    return std::regex_match(text, pattern);
}

bool isSafeRevision(const std::string& text) {
    static const std::regex pattern(R"(^[A-Za-z0-9._/\-]{1,256}$)");
    return std::regex_match(text, pattern) && hasOnlyPlainParts(text);
}

bool isSafeEtag(const std::string& text) {
    static const std::regex pattern(R"(^[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,127}$)");
    return std::regex_match(text, pattern);
}

bool isSafeRepoFile(const std::string& text) {
    return text.size() <= 1024 && text.find('\\') == std::string::npos &&
           text.find('\0') == std::string::npos && hasOnlyPlainParts(text);
}

std::string hubRepoFolderName(const std::string& repoId) {
    if (!isHubId(repoId)) {
        throw Error(repoId, "is not a hub id like owner/name");
    }
    const auto slash = repoId.find('/');
    return "models--" + repoId.substr(0, slash) + "--" + repoId.substr(slash + 1);
}

HubCacheRepo::HubCacheRepo(fs::path cacheRoot, std::string repoId)
    : cacheRoot_(std::move(cacheRoot)),
      repoId_(std::move(repoId)),
      folder_(cacheRoot_ / hubRepoFolderName(repoId_)) {}

const std::string& HubCacheRepo::checkedRevision(const std::string& revision) const {
    if (!isSafeRevision(revision)) {
        throw Error(repoId_, "revision \"" + revision +
                                 "\" is not a branch, tag or commit name (letters, digits, "
                                 "\"._-/\"; no \"..\")");
    }
    return revision;
}

const std::string& HubCacheRepo::checkedCommit(const std::string& commit) const {
    if (!isCommitHash(commit)) {
        throw Error(repoId_, "\"" + commit + "\" is not a commit hash (40 hex digits)");
    }
    return commit;
}

const std::string& HubCacheRepo::checkedEtag(const std::string& etag) const {
    if (!isSafeEtag(etag)) {
        throw Error(repoId_, "the etag \"" + etag +
                                 "\" cannot name a file in the cache (letters, digits, \"._-\")");
    }
    return etag;
}

const std::string& HubCacheRepo::checkedFile(const std::string& file) const {
    if (!isSafeRepoFile(file)) {
        throw Error(repoId_, "\"" + file + "\" is not a file inside the repository");
    }
    return file;
}

fs::path HubCacheRepo::refFile(const std::string& revision) const {
    return folder_ / "refs" / checkedRevision(revision);
}

fs::path HubCacheRepo::snapshot(const std::string& commit) const {
    return folder_ / "snapshots" / checkedCommit(commit);
}

fs::path HubCacheRepo::snapshotFile(const std::string& commit, const std::string& file) const {
    return snapshot(commit) / fs::path(checkedFile(file));
}

fs::path HubCacheRepo::blob(const std::string& etag) const {
    return folder_ / "blobs" / checkedEtag(etag);
}

fs::path HubCacheRepo::incompleteBlob(const std::string& etag) const {
    return folder_ / "blobs" / (checkedEtag(etag) + ".incomplete");
}

fs::path HubCacheRepo::lockFile(const std::string& etag) const {
    return cacheRoot_ / ".locks" / hubRepoFolderName(repoId_) / (checkedEtag(etag) + ".lock");
}

fs::path HubCacheRepo::noExistMarker(const std::string& commit, const std::string& file) const {
    return folder_ / ".no_exist" / checkedCommit(commit) / fs::path(checkedFile(file));
}

std::optional<std::string> HubCacheRepo::commitFor(const std::string& revision) const {
    std::error_code ec;
    const auto ref = refFile(revision);
    if (fs::is_regular_file(ref, ec)) {
        const std::string commit = readFirstLine(ref);
        if (commit.empty()) {
            throw Error(ref.string(), "is empty; expected the commit hash of " + revision);
        }
        if (!isCommitHash(commit)) {
            throw Error(ref.string(), "holds \"" + commit.substr(0, 64) +
                                          "\", which is not a commit hash (40 hex digits)");
        }
        return commit;
    }
    if (isCommitHash(revision) && fs::is_directory(snapshot(revision), ec)) {
        return revision;  // a commit hash given directly, as huggingface_hub accepts it
    }
    return std::nullopt;
}

void HubCacheRepo::writeRef(const std::string& revision, const std::string& commit) const {
    if (revision == commit) {
        return;
    }
    const auto ref = refFile(revision);
    fs::create_directories(ref.parent_path());
    const auto temporary = besideTemporary(ref);
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << commit;
        if (!out.flush()) {
            throw Error(temporary.string(), "cannot be written");
        }
    }
    fs::rename(temporary, ref);
}

void HubCacheRepo::linkSnapshotFile(const std::string& commit, const std::string& file,
                                    const std::string& etag) const {
    const auto link = snapshotFile(commit, file);
    fs::create_directories(link.parent_path());
    // Relative, so the cache can be moved or mounted elsewhere (huggingface_hub does the same).
    const auto target = fs::relative(blob(etag), link.parent_path());
    const auto temporary = besideTemporary(link);
    std::error_code ec;
    fs::create_symlink(target, temporary, ec);
    if (ec) {
        fs::copy_file(blob(etag), temporary, fs::copy_options::overwrite_existing);
    }
    fs::rename(temporary, link);
}

void HubCacheRepo::markMissing(const std::string& commit, const std::string& file) const {
    const auto marker = noExistMarker(commit, file);
    fs::create_directories(marker.parent_path());
    std::ofstream(marker, std::ios::app);
}

}  // namespace abc
