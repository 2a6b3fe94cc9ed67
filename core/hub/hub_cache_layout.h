#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace abc {

// The hub cache root: $HF_HUB_CACHE, else $HF_HOME/hub, else
// ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub (huggingface_hub's own order).
std::filesystem::path huggingFaceHubCache();

// "owner/name" with the characters the hub allows; a path that exists is never a hub id.
bool isHubId(const std::string& text);

// One model repository inside the hub cache, laid out exactly as huggingface_hub writes it, so
// that a cache either side wrote is used by the other:
//   models--ORG--NAME/refs/<revision>          the commit a branch or tag stood at
//   models--ORG--NAME/snapshots/<commit>/FILE  a relative symlink to ../../blobs/<etag>
//   models--ORG--NAME/blobs/<etag>             the content, named by its etag (sha256 for LFS)
//   models--ORG--NAME/blobs/<etag>.incomplete  a download in progress, resumed with Range
//   models--ORG--NAME/.no_exist/<commit>/FILE  an optional file the revision does not have
//   .locks/models--ORG--NAME/<etag>.lock       held while one process writes that blob
// The resolver, the downloader and `model status` all name paths through this one class, and
// each path function refuses (abc::Error) a revision, commit, etag or file name that is not
// safe, so a hostile or broken hub cannot make it write outside the cache.
class HubCacheRepo {
  public:
    HubCacheRepo(std::filesystem::path cacheRoot, std::string repoId);

    const std::string& repoId() const { return repoId_; }
    const std::filesystem::path& cacheRoot() const { return cacheRoot_; }
    // models--ORG--NAME under the cache root.
    const std::filesystem::path& folder() const { return folder_; }

    std::filesystem::path refFile(const std::string& revision) const;
    std::filesystem::path snapshot(const std::string& commit) const;
    std::filesystem::path snapshotFile(const std::string& commit, const std::string& file) const;
    std::filesystem::path blob(const std::string& etag) const;
    std::filesystem::path incompleteBlob(const std::string& etag) const;
    std::filesystem::path lockFile(const std::string& etag) const;
    std::filesystem::path noExistMarker(const std::string& commit, const std::string& file) const;

    // The commit `revision` names: the content of refs/<revision>, else `revision` itself when
    // it is a full commit hash with a snapshot; nothing when the cache does not know it.
    std::optional<std::string> commitFor(const std::string& revision) const;
    // Writes refs/<revision> (no newline, as huggingface_hub does) unless `revision` is the
    // commit itself. Atomic: written beside and renamed.
    void writeRef(const std::string& revision, const std::string& commit) const;
    // snapshots/<commit>/<file> -> ../../blobs/<etag> (deeper for files in subfolders); a copy
    // of the blob where the filesystem cannot hold symlinks. Replaces what was there atomically.
    void linkSnapshotFile(const std::string& commit, const std::string& file,
                          const std::string& etag) const;
    // Marks an optional file as absent from `commit` (an empty file under .no_exist/).
    void markMissing(const std::string& commit, const std::string& file) const;

  private:
    const std::string& checkedRevision(const std::string& revision) const;
    const std::string& checkedCommit(const std::string& commit) const;
    const std::string& checkedEtag(const std::string& etag) const;
    const std::string& checkedFile(const std::string& file) const;

    std::filesystem::path cacheRoot_;
    std::string repoId_;
    std::filesystem::path folder_;
};

// "models--ORG--NAME", huggingface_hub's repo_folder_name for a model.
std::string hubRepoFolderName(const std::string& repoId);

// A full commit hash (40 lowercase hex digits).
bool isCommitHash(const std::string& text);

// What the hub sends or the user types becomes a file name in the cache, so each kind of name
// is checked before it is joined to a path: nothing the hub says may lead outside the cache.
// A branch, tag or "refs/pr/N": letters, digits, "._-" and "/" between non-empty parts that are
// not "." or "..".
bool isSafeRevision(const std::string& text);
// An etag as a blob name: letters, digits and "._-", not starting with "." (no "..", no "/").
bool isSafeEtag(const std::string& text);
// A file of a repository: a relative path whose parts are non-empty, not "." or "..", without
// a backslash or a NUL.
bool isSafeRepoFile(const std::string& text);

}  // namespace abc
