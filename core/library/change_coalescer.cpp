#include "core/library/change_coalescer.h"

#include <algorithm>

#include "core/io/path.h"

namespace abc {

ChangeCoalescer::ChangeCoalescer(std::chrono::milliseconds quiet, std::chrono::milliseconds longest)
    : quiet_(quiet), longest_(std::max(longest, quiet)) {}

void ChangeCoalescer::note(const std::string& folder, Clock::time_point at) {
    if (folders_.empty())
        first_ = at;
    last_ = std::max(last_, at);
    // A folder's run covers the folders below it: only the topmost are kept, so the set stays
    // as small as the number of separate places that changed.
    const Path changed(folder);
    for (const std::string& known : folders_) {
        if (Path(known).contains(changed))
            return;
    }
    std::erase_if(folders_,
                  [&](const std::string& known) { return changed.contains(Path(known)); });
    folders_.push_back(folder);
}

ChangeCoalescer::Clock::time_point ChangeCoalescer::dueAt() const {
    return std::min(last_ + quiet_, first_ + longest_);
}

std::optional<ChangeBatch> ChangeCoalescer::take(Clock::time_point now) {
    if (folders_.empty() || now < dueAt())
        return std::nullopt;
    ChangeBatch batch{std::move(folders_), last_};
    folders_.clear();
    std::sort(batch.folders.begin(), batch.folders.end());
    return batch;
}

}  // namespace abc
