#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace abc {

// The folders changed over one burst of file events, for one incremental indexing run.
struct ChangeBatch {
    std::vector<std::string> folders;  // sorted, none below another
    std::chrono::steady_clock::time_point lastChange;
};

// Gathers the folders that file events name until they go quiet, so that copying a thousand
// photos in makes one indexing run, not a thousand. A batch is due once `quiet` passed without
// a new event, or `longest` after its first event while events keep coming (a copy that takes
// minutes is indexed as it goes). Not thread-safe: one owner feeds it and takes its batches.
class ChangeCoalescer {
  public:
    using Clock = std::chrono::steady_clock;

    explicit ChangeCoalescer(std::chrono::milliseconds quiet,
                             std::chrono::milliseconds longest = std::chrono::seconds(30));

    // `folder`: absolute and lexically normal, as the folder watch reports it.
    void note(const std::string& folder, Clock::time_point at);
    bool pending() const { return !folders_.empty(); }
    // When the pending batch is due (meaningless while nothing is pending).
    Clock::time_point dueAt() const;
    // The batch, once it is due at `now`; the coalescer starts empty again.
    std::optional<ChangeBatch> take(Clock::time_point now);

  private:
    std::chrono::milliseconds quiet_;
    std::chrono::milliseconds longest_;
    std::vector<std::string> folders_;
    Clock::time_point first_;
    Clock::time_point last_;
};

}  // namespace abc
