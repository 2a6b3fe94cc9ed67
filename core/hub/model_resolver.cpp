#include "core/hub/model_resolver.h"

#include <system_error>

#include "core/io/error.h"

namespace abc {

std::optional<HubLocation> hubLocation(const std::string& text,
                                       const std::string& defaultRevision) {
    const auto at = text.find('@');
    const std::string repoId = text.substr(0, at);
    const std::string revision = at == std::string::npos ? defaultRevision : text.substr(at + 1);
    if (!isHubId(repoId) || revision.empty() || revision.find("..") != std::string::npos) {
        return std::nullopt;
    }
    return HubLocation{repoId, revision};
}

ResolvedModel resolveModel(const std::string& folderOrHubId, const std::string& requestedRevision) {
    std::error_code ec;
    if (std::filesystem::is_directory(folderOrHubId, ec)) {
        return {std::filesystem::path(folderOrHubId), "local", false};
    }
    const auto location = hubLocation(folderOrHubId, requestedRevision);
    if (!location) {
        throw Error(folderOrHubId,
                    "is neither an existing folder nor a hub id like owner/name[@revision]");
    }
    const std::string& revision = location->revision;
    const HubCacheRepo cached(huggingFaceHubCache(), location->repoId);
    const auto& repo = cached.folder();
    const std::string howTo = " (download it with `huggingface-cli download " + location->repoId +
                              "` or `abc-photos-cli model download`, or give a local folder)";
    if (!std::filesystem::is_directory(repo, ec)) {
        throw Error(location->repoId,
                    "not in the Hugging Face cache: " + repo.string() + " does not exist" + howTo);
    }
    const std::string commit = cached.commitFor(revision).value_or(revision);
    const auto snapshot = cached.snapshot(commit);
    if (!std::filesystem::is_directory(snapshot, ec)) {
        throw Error(location->repoId,
                    "revision '" + revision + "' has no snapshot at " + snapshot.string() + howTo);
    }
    return {snapshot, commit, true};
}

std::filesystem::path resolveModelPath(const std::string& folderOrHubId) {
    return resolveModel(folderOrHubId).folder;
}

}  // namespace abc
