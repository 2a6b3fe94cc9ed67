#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace abc {

// Pause, resume and cancel for a download running on another thread (the desktop
// application's worker, the CLI's Ctrl+C). Pausing drops the connections and keeps every
// partial file; resuming continues each with Range. Thread-safe.
class DownloadControl {
  public:
    DownloadControl() = default;
    // Cancelled also when `token` is (a std::jthread's stop request).
    explicit DownloadControl(std::stop_token token) : token_(std::move(token)) {}

    void pause();
    void resume();
    void cancel();

    bool paused() const { return paused_.load(); }
    bool cancelled() const { return cancelled_.load() || token_.stop_requested(); }

    // Waits while paused, at most `slice` (callers report progress meanwhile and ask again);
    // false once cancelled.
    bool waitWhilePaused(std::chrono::milliseconds slice = std::chrono::milliseconds(200));

  private:
    std::stop_token token_;
    std::atomic<bool> paused_{false};
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    std::condition_variable changed_;
};

}  // namespace abc
