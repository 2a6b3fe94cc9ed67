#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace abc {

// Pause and resume for work spread over several threads: each thread calls wait() between
// two items and parks there, using no CPU, while the gate is paused. A stop request wakes
// every parked thread; stopping itself is the caller's std::stop_token, not the gate's.
// Also keeps the time spent paused, so rates and ETAs can leave it out (a pause of a minute
// would otherwise read as a collapse in photos/s).
//
// Thread-safety: every method may be called from any thread.
class PauseGate {
  public:
    using Clock = std::chrono::steady_clock;

    void pause();
    void resume();
    bool isPaused() const;
    // Returns at once unless paused; otherwise when resumed or when `stop` is requested.
    // false when `stop` is requested.
    bool wait(const std::stop_token& stop);
    // Time spent paused since construction (the current pause included).
    Clock::duration pausedSoFar() const;

  private:
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    bool paused_ = false;
    Clock::time_point pausedSince_;
    Clock::duration pausedTotal_{};
};

}  // namespace abc
