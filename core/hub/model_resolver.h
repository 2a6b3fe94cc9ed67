#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/hub/hub_cache_layout.h"

namespace abc {

// Where a checkpoint given as "a folder or a hub id" actually lives. Hub ids are looked up in
// the Hugging Face cache exactly as huggingface_hub lays it out, so a model downloaded by any
// HF tool is found without copying; `abc-photos-cli model download` writes the same layout
// (HubCacheRepo).
struct ResolvedModel {
    std::filesystem::path folder;  // holds config.json / adapter_config.json directly
    std::string revision;          // commit hash of the snapshot, or "local" for a plain folder
    bool fromHubCache = false;
};

// A model location that names a hub repository: "owner/name", or "owner/name@revision" to pin a
// branch, tag or commit (in the settings or a --base flag). Nothing when `text` is not one.
struct HubLocation {
    std::string repoId;
    std::string revision;
};
std::optional<HubLocation> hubLocation(const std::string& text,
                                       const std::string& defaultRevision = "main");

// An existing folder is taken as it is. Otherwise `folderOrHubId` must be a hub location
// present in the cache at its "@revision", else at `revision` (a branch or tag name under
// refs/, or a commit hash under snapshots/). Throws abc::Error that names what was looked for
// and where.
ResolvedModel resolveModel(const std::string& folderOrHubId, const std::string& revision = "main");

// The folder alone, for callers that do not need the revision.
std::filesystem::path resolveModelPath(const std::string& folderOrHubId);

}  // namespace abc
