#include "core/hub/model_resolver.h"

#include <cstdlib>
#include <fstream>
#include <regex>

#include "core/io/error.h"

namespace abc {

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

std::string readFirstLine(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    return line;
}

}  // namespace

std::filesystem::path huggingFaceHubCache() {
    if (const auto hubCache = environment("HF_HUB_CACHE"); !hubCache.empty()) {
        return hubCache;
    }
    if (const auto hfHome = environment("HF_HOME"); !hfHome.empty()) {
        return std::filesystem::path(hfHome) / "hub";
    }
    std::filesystem::path cacheRoot;
    if (const auto xdg = environment("XDG_CACHE_HOME"); !xdg.empty()) {
        cacheRoot = xdg;
    } else {
        cacheRoot = std::filesystem::path(environment("HOME")) / ".cache";
    }
    return cacheRoot / "huggingface" / "hub";
}

bool isHubId(const std::string& text) {
    static const std::regex pattern(R"(^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$)");
    return std::regex_match(text, pattern) && text.find("..") == std::string::npos;
}

ResolvedModel resolveModel(const std::string& folderOrHubId, const std::string& revision) {
    std::error_code ec;
    if (std::filesystem::is_directory(folderOrHubId, ec)) {
        return {std::filesystem::path(folderOrHubId), "local", false};
    }
    if (!isHubId(folderOrHubId)) {
        throw Error(folderOrHubId, "is neither an existing folder nor a hub id like owner/name");
    }
    const auto cache = huggingFaceHubCache();
    const auto slash = folderOrHubId.find('/');
    const auto repo = cache / ("models--" + folderOrHubId.substr(0, slash) + "--" +
                               folderOrHubId.substr(slash + 1));
    const std::string howTo = " (download it with `huggingface-cli download " + folderOrHubId +
                              "` or give a local folder)";
    if (!std::filesystem::is_directory(repo, ec)) {
        throw Error(folderOrHubId,
                    "not in the Hugging Face cache: " + repo.string() + " does not exist" + howTo);
    }
    std::string commit = revision;
    const auto ref = repo / "refs" / revision;
    if (std::filesystem::is_regular_file(ref, ec)) {
        commit = readFirstLine(ref);
        if (commit.empty()) {
            throw Error(ref.string(), "is empty; expected the commit hash of " + revision);
        }
    }
    const auto snapshot = repo / "snapshots" / commit;
    if (!std::filesystem::is_directory(snapshot, ec)) {
        throw Error(folderOrHubId,
                    "revision '" + revision + "' has no snapshot at " + snapshot.string() + howTo);
    }
    return {snapshot, commit, true};
}

std::filesystem::path resolveModelPath(const std::string& folderOrHubId) {
    return resolveModel(folderOrHubId).folder;
}

}  // namespace abc
