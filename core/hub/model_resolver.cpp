#include "core/hub/model_resolver.h"

#include <system_error>

#include "core/io/error.h"

namespace abc {

ResolvedModel resolveModel(const std::string& folderOrHubId, const std::string& revision) {
    std::error_code ec;
    if (std::filesystem::is_directory(folderOrHubId, ec)) {
        return {std::filesystem::path(folderOrHubId), "local", false};
    }
    if (!isHubId(folderOrHubId)) {
        throw Error(folderOrHubId, "is neither an existing folder nor a hub id like owner/name");
    }
    const HubCacheRepo cached(huggingFaceHubCache(), folderOrHubId);
    const auto& repo = cached.folder();
    const std::string howTo = " (download it with `huggingface-cli download " + folderOrHubId +
                              "` or `abc-photos-cli model download`, or give a local folder)";
    if (!std::filesystem::is_directory(repo, ec)) {
        throw Error(folderOrHubId,
                    "not in the Hugging Face cache: " + repo.string() + " does not exist" + howTo);
    }
    const std::string commit = cached.commitFor(revision).value_or(revision);
    const auto snapshot = cached.snapshot(commit);
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
