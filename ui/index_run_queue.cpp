#include "ui/index_run_queue.h"

#include <algorithm>
#include <utility>

namespace abc::ui {

void IndexRunQueue::addChanges(const QStringList& folders, qint64 lastChangeMs) {
    if (lastChangeMs < lastFullRunMs_)
        return;
    for (const QString& folder : folders) {
        const auto below = [&](const QString& other) {
            return folder == other || folder.startsWith(other + QLatin1Char('/'));
        };
        if (std::any_of(changed_.begin(), changed_.end(), below))
            continue;
        changed_.removeIf(
            [&](const QString& other) { return other.startsWith(folder + QLatin1Char('/')); });
        changed_ << folder;
    }
}

void IndexRunQueue::fullRunStarted(qint64 nowMs) {
    fullRun_ = false;
    changed_.clear();
    lastFullRunMs_ = nowMs;
}

IndexRunQueue::Next IndexRunQueue::takeNext(QStringList& folders) {
    if (std::exchange(fullRun_, false))
        return Next::FullRun;
    if (changed_.isEmpty())
        return Next::Nothing;
    folders = std::exchange(changed_, {});
    return Next::ChangesRun;
}

}  // namespace abc::ui
