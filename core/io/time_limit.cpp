#include "core/io/time_limit.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "core/io/error.h"

namespace abc {

namespace {

std::atomic<int> abandonedRunning{0};

// Shared by the caller and the worker: whichever leaves last frees it.
struct Call {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool abandoned = false;
    std::exception_ptr failure;
};

std::string secondsText(std::chrono::milliseconds limit) {
    const auto ms = limit.count();
    if (ms % 1000 == 0) {
        return std::to_string(ms / 1000) + " s";
    }
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

void runWithTimeLimit(const std::function<void()>& work, std::chrono::milliseconds limit,
                      const std::string& subject, const std::string& doing) {
    if (limit.count() <= 0) {
        work();
        return;
    }
    auto call = std::make_shared<Call>();
    std::thread worker([call, work] {
        std::exception_ptr failure;
        try {
            work();
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(call->mutex);
        call->failure = failure;
        call->done = true;
        if (call->abandoned) {
            abandonedRunning.fetch_sub(1);
        }
        call->finished.notify_all();
    });
    std::unique_lock lock(call->mutex);
    if (!call->finished.wait_for(lock, limit, [&] { return call->done; })) {
        call->abandoned = true;
        abandonedRunning.fetch_add(1);
        lock.unlock();
        worker.detach();
        throw Error(subject, "still " + doing + " after " + secondsText(limit) +
                                 ": skipped (a stalled drive, or a file the decoder cannot "
                                 "finish)");
    }
    lock.unlock();
    worker.join();
    if (call->failure) {
        std::rethrow_exception(call->failure);
    }
}

int abandonedCallsRunning() {
    return abandonedRunning.load();
}

}  // namespace abc
