#include "core/hub/download_control.h"

namespace abc {

void DownloadControl::pause() {
    paused_ = true;
}

void DownloadControl::resume() {
    {
        const std::lock_guard lock(mutex_);
        paused_ = false;
    }
    changed_.notify_all();
}

void DownloadControl::cancel() {
    {
        const std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    changed_.notify_all();
}

bool DownloadControl::waitWhilePaused(std::chrono::milliseconds slice) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, slice, [this] { return !paused_ || cancelled(); });
    return !cancelled();
}

}  // namespace abc
