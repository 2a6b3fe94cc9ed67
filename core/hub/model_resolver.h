#pragma once

#include <filesystem>
#include <string>

namespace abc {

// Where a checkpoint given as "a folder or a hub id" actually lives. Hub ids are looked up in
// the Hugging Face cache exactly as huggingface_hub lays it out, so a model downloaded by any
// HF tool is found without copying, and a future first-run download can write the same layout.
struct ResolvedModel {
    std::filesystem::path folder;  // holds config.json / adapter_config.json directly
    std::string revision;          // commit hash of the snapshot, or "local" for a plain folder
    bool fromHubCache = false;
};

// The hub cache root: $HF_HUB_CACHE, else $HF_HOME/hub, else
// ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub (huggingface_hub's own order).
std::filesystem::path huggingFaceHubCache();

// "owner/name" with the characters the hub allows; a path that exists is never a hub id.
bool isHubId(const std::string& text);

// An existing folder is taken as it is. Otherwise `folderOrHubId` must be a hub id present in
// the cache at `revision` (a branch or tag name under refs/, or a commit hash under
// snapshots/). Throws abc::Error that names what was looked for and where.
ResolvedModel resolveModel(const std::string& folderOrHubId, const std::string& revision = "main");

// The folder alone, for callers that do not need the revision.
std::filesystem::path resolveModelPath(const std::string& folderOrHubId);

}  // namespace abc
