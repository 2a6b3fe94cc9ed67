#include "core/hub/blob_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/io/error.h"

namespace abc {

BlobLock::BlobLock(const std::filesystem::path& lockFile,
                   const std::function<bool()>& keepWaiting) {
    std::filesystem::create_directories(lockFile.parent_path());
    fd_ = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw Error(lockFile.string(), std::string("cannot be opened: ") + std::strerror(errno));
    }
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int error = errno;
            ::close(fd_);
            throw Error(lockFile.string(),
                        std::string("cannot be locked: ") + std::strerror(error));
        }
        if (keepWaiting && !keepWaiting()) {
            ::close(fd_);
            throw Cancelled();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

BlobLock::~BlobLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
}

}  // namespace abc
