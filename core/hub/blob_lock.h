#pragma once

#include <filesystem>
#include <functional>

namespace abc {

// An exclusive flock(2) on a blob's .lock file, held while one process writes that blob. It is
// the lock huggingface_hub takes (the filelock package flocks the same path), so ABC Photos and
// a Python download never write one blob at once either. Released on destruction.
class BlobLock {
  public:
    // Waits for the lock, asking `keepWaiting` a few times a second; throws abc::Cancelled when
    // it says no, abc::Error naming the file when the lock file cannot be made.
    BlobLock(const std::filesystem::path& lockFile, const std::function<bool()>& keepWaiting);
    ~BlobLock();
    BlobLock(const BlobLock&) = delete;
    BlobLock& operator=(const BlobLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace abc
