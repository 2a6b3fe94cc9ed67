#include "core/library/pause_gate.h"

namespace abc {

void PauseGate::pause() {
    std::lock_guard lock(mutex_);
    if (!paused_) {
        pausedSince_ = Clock::now();
    }
    paused_ = true;
}

void PauseGate::resume() {
    std::lock_guard lock(mutex_);
    if (paused_) {
        pausedTotal_ += Clock::now() - pausedSince_;
    }
    paused_ = false;
    wake_.notify_all();
}

bool PauseGate::isPaused() const {
    std::lock_guard lock(mutex_);
    return paused_;
}

bool PauseGate::wait(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    // condition_variable_any's stop_token overload wakes on a stop request by itself.
    wake_.wait(lock, stop, [&] { return !paused_; });
    return !stop.stop_requested();
}

PauseGate::Clock::duration PauseGate::pausedSoFar() const {
    std::lock_guard lock(mutex_);
    return pausedTotal_ + (paused_ ? Clock::now() - pausedSince_ : Clock::duration{});
}

}  // namespace abc
