#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace abc {

// Watches library folders and every folder below them for files created, written, removed,
// moved or touched (Linux inotify), and says in which folders that happened. Bounded: at most
// `maxFolders` folders are watched (the system's own watch limit counts too); past that,
// complete() is false and the caller looks at the library by other means (a periodic scan).
// Hidden files and folders are left out, as the scanner leaves them out, and so are the
// `ignoredFiles` (the library's own database files, should they lie in a photo folder).
//
// Thread-safety: one thread calls watch() and wait(); interrupt() may be called from any.
class FolderWatch {
  public:
    explicit FolderWatch(std::size_t maxFolders = 8192, std::vector<std::string> ignoredFiles = {});
    ~FolderWatch();
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

    // Adds `roots` (absolute) and the folders below them. A root that is missing or cannot be
    // read is not watched (its indexing run says why). Throws abc::Error when the system gives
    // no inotify instance at all.
    void watch(const std::vector<std::string>& roots);
    std::size_t watchedFolders() const;
    // Every folder below the roots is watched: the cap (or the system's limit) was not hit.
    bool complete() const;

    // Blocks until events arrive, `timeout` passes or interrupt() is called; returns the
    // folders (absolute, lexically normal, each once) whose entries changed. Folders created
    // below a watched one are watched from then on and reported with their parent. When the
    // system dropped events (its queue overflowed), every root is reported.
    std::vector<std::string> wait(std::chrono::milliseconds timeout);
    // Ends a wait() in progress, or the next one, at once.
    void interrupt();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
