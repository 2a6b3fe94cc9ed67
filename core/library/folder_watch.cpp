#include "core/library/folder_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "core/io/error.h"
#include "core/io/path.h"

namespace abc {

namespace {

// What a folder watch listens for: entries that appear, go, are written to the end or have
// their times changed (touch, a copy keeping the mtime); not every write (IN_MODIFY), which
// comes in thousands while a file is copied.
constexpr std::uint32_t kFolderEvents = IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                        IN_MOVED_TO | IN_ATTRIB | IN_ONLYDIR | IN_EXCL_UNLINK;

bool isHidden(const std::string& name) {
    return !name.empty() && name.front() == '.';
}

}  // namespace

struct FolderWatch::Impl {
    std::size_t maxFolders;
    std::set<std::string> ignored;
    int inotify = -1;
    int wake = -1;                                 // eventfd: interrupt()
    std::unordered_map<int, std::string> folders;  // watch descriptor -> folder
    std::vector<std::string> roots;
    bool complete = true;

    // Watches `folder` and the folders below it, as far as the cap allows.
    void add(const std::string& folder) {
        std::vector<std::string> pending{folder};
        while (!pending.empty()) {
            const std::string next = std::move(pending.back());
            pending.pop_back();
            if (folders.size() >= maxFolders) {
                complete = false;
                return;
            }
            const int descriptor = inotify_add_watch(inotify, next.c_str(), kFolderEvents);
            if (descriptor < 0) {
                // The system's own limit on watches counts as the cap; a folder that cannot be
                // read (or is gone already) is the scanner's to report.
                if (errno == ENOSPC || errno == ENOMEM)
                    complete = false;
                continue;
            }
            folders[descriptor] = next;
            std::error_code error;
            for (std::filesystem::directory_iterator entry(next, error), end;
                 !error && entry != end; entry.increment(error)) {
                const std::string name = entry->path().filename().string();
                std::error_code kind;
                // Symbolic links are not followed: their target's changes are not this folder's.
                if (!isHidden(name) && entry->is_directory(kind) && !entry->is_symlink(kind))
                    pending.push_back(Path(entry->path().string()).string());
            }
        }
    }
};

FolderWatch::FolderWatch(std::size_t maxFolders, std::vector<std::string> ignoredFiles)
    : impl_(std::make_unique<Impl>()) {
    impl_->maxFolders = maxFolders;
    for (const std::string& file : ignoredFiles)
        impl_->ignored.insert(Path(file).string());
    impl_->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (impl_->inotify < 0)
        throw Error("inotify", std::string("cannot watch folders: ") + std::strerror(errno));
    impl_->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->wake < 0) {
        const int error = errno;
        close(impl_->inotify);
        throw Error("eventfd", std::string("cannot watch folders: ") + std::strerror(error));
    }
}

FolderWatch::~FolderWatch() {
    close(impl_->inotify);
    close(impl_->wake);
}

void FolderWatch::watch(const std::vector<std::string>& roots) {
    for (const std::string& root : roots) {
        const std::string folder = Path(root).string();
        impl_->roots.push_back(folder);
        impl_->add(folder);
    }
}

std::size_t FolderWatch::watchedFolders() const {
    return impl_->folders.size();
}

bool FolderWatch::complete() const {
    return impl_->complete;
}

void FolderWatch::interrupt() {
    const std::uint64_t one = 1;
    // A full counter means a wake-up is pending already.
    [[maybe_unused]] const auto written = ::write(impl_->wake, &one, sizeof one);
}

std::vector<std::string> FolderWatch::wait(std::chrono::milliseconds timeout) {
    pollfd watched[2] = {{impl_->inotify, POLLIN, 0}, {impl_->wake, POLLIN, 0}};
    const int ready =
        poll(watched, 2, static_cast<int>(std::max<std::int64_t>(0, timeout.count())));
    if (ready < 0 && errno != EINTR)
        throw Error("inotify", std::string("waiting for folder changes: ") + std::strerror(errno));
    if (watched[1].revents & POLLIN) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(impl_->wake, &count, sizeof count);
    }
    std::set<std::string> changed;
    alignas(inotify_event) char buffer[64 * 1024];
    while (true) {
        const ssize_t length = ::read(impl_->inotify, buffer, sizeof buffer);
        if (length <= 0)
            break;  // EAGAIN: nothing more queued
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if (event->mask & IN_Q_OVERFLOW) {
                changed.insert(impl_->roots.begin(), impl_->roots.end());
                continue;
            }
            const auto folder = impl_->folders.find(event->wd);
            if (folder == impl_->folders.end())
                continue;
            if (event->mask & IN_IGNORED) {  // the folder went away, or was unmounted
                impl_->folders.erase(folder);
                continue;
            }
            const std::string name = event->len > 0 ? std::string(event->name) : std::string();
            if (isHidden(name))
                continue;
            const std::string path = Path(folder->second + "/" + name).string();
            if (impl_->ignored.contains(path))
                continue;
            if ((event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO)))
                impl_->add(path);
            changed.insert(folder->second);
        }
    }
    return {changed.begin(), changed.end()};
}

}  // namespace abc
