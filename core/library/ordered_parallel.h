#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace abc {

// Runs `produce(i)` for i in [0, count) on `threads` worker threads and hands each result to
// `consume(i, result)` on the calling thread in index order, so whatever consume writes comes
// out exactly as a sequential loop would write it. At most `window` results are computed ahead
// of the consumer (the memory bound). `beforeItem` runs on a worker before it starts an item
// (it may block, e.g. while paused) and stops the work when it returns false; `consume`
// returning false stops it too. Items already started are finished but not consumed after a
// stop. `produce` must not throw (carry failures in Result); an exception from `consume`
// stops the workers and propagates.
template <class Result>
void forEachOrdered(std::size_t count, int threads, std::size_t window,
                    const std::function<Result(std::size_t)>& produce,
                    const std::function<bool(std::size_t, Result&)>& consume,
                    const std::function<bool()>& beforeItem = {}) {
    if (count == 0) {
        return;
    }
    window = std::max<std::size_t>(1, window);
    threads = std::max(1, std::min<int>(threads, static_cast<int>(count)));
    std::mutex mutex;
    std::condition_variable ready;  // a result arrived, or a worker stopped
    std::condition_variable room;   // the consumer moved on, or stop
    std::vector<std::optional<Result>> slots(window);
    std::size_t claimed = 0;        // next index a worker takes
    std::size_t consumed = 0;       // next index the consumer takes
    std::size_t abandoned = count;  // lowest claimed index a worker gave up before producing
    bool stop = false;

    auto work = [&] {
        for (;;) {
            std::size_t i = 0;
            {
                std::unique_lock lock(mutex);
                room.wait(lock,
                          [&] { return stop || claimed < std::min(count, consumed + window); });
                if (stop || claimed >= count) {
                    return;
                }
                i = claimed++;
            }
            if (beforeItem && !beforeItem()) {
                std::lock_guard lock(mutex);
                stop = true;
                abandoned = std::min(abandoned, i);
                room.notify_all();
                ready.notify_all();
                return;
            }
            Result result = produce(i);
            std::lock_guard lock(mutex);
            slots[i % window] = std::move(result);
            ready.notify_all();
        }
    };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(work);
    }
    auto finish = [&] {
        {
            std::lock_guard lock(mutex);
            stop = true;
            room.notify_all();
        }
        for (auto& worker : workers) {
            worker.join();
        }
    };
    try {
        for (std::size_t i = 0; i < count; ++i) {
            std::optional<Result> result;
            {
                std::unique_lock lock(mutex);
                // After a stop, items below both the first unclaimed and the first abandoned
                // index are still finished; the others never come.
                ready.wait(lock, [&] {
                    return slots[i % window].has_value() ||
                           (stop && (i >= claimed || i >= abandoned));
                });
                if (!slots[i % window]) {
                    break;
                }
                result.swap(slots[i % window]);
                consumed = i + 1;
                room.notify_all();
            }
            if (!consume(i, *result)) {
                break;
            }
        }
    } catch (...) {
        finish();
        throw;
    }
    finish();
}

}  // namespace abc
