#include "ui/folder_watcher.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <exception>
#include <stop_token>

#include "core/library/change_coalescer.h"
#include "core/library/folder_watch.h"

namespace abc::ui {

namespace {

using Clock = std::chrono::steady_clock;

// The longest one wait for events lasts: how soon a stop or a due batch is noticed at worst.
constexpr std::chrono::milliseconds kLongestWait{500};

std::vector<std::string> toStd(const QStringList& list) {
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const QString& item : list)
        out.push_back(item.toStdString());
    return out;
}

// `at` on the wall clock the window compares it with.
qint64 wallClockMs(Clock::time_point at) {
    const auto ago = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - at);
    return QDateTime::currentMSecsSinceEpoch() - ago.count();
}

// A folder removed since its change was seen is indexed through the nearest one that is
// still there (the run over it forgets what went), never outside `roots`.
QString existingFolder(QString folder, const QStringList& roots) {
    while (!QFileInfo(folder).isDir() && !roots.contains(folder)) {
        const QString parent = QFileInfo(folder).path();
        if (parent == folder)
            break;
        folder = parent;
    }
    return folder;
}

}  // namespace

FolderWatcher::FolderWatcher(QObject* parent) : FolderWatcher(Limits{}, parent) {}

FolderWatcher::FolderWatcher(Limits limits, QObject* parent) : QObject(parent), limits_(limits) {}

FolderWatcher::~FolderWatcher() {
    stop();
}

void FolderWatcher::stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

void FolderWatcher::watch(const QStringList& roots, const QStringList& ignoredFiles) {
    stop();
    if (roots.isEmpty())
        return;
    thread_ = std::jthread([this, roots, ignoredFiles](std::stop_token stop) {
        loop(std::move(stop), roots, ignoredFiles);
    });
}

void FolderWatcher::loop(std::stop_token stop, QStringList roots, QStringList ignoredFiles) {
    try {
        FolderWatch watch(limits_.maxFolders, toStd(ignoredFiles));
        const std::stop_callback wake(stop, [&watch] { watch.interrupt(); });
        watch.watch(toStd(roots));
        const bool complete = watch.complete();
        if (!complete)
            emit watchLimitReached(static_cast<int>(watch.watchedFolders()));
        ChangeCoalescer changes(limits_.quiet, limits_.longest);
        Clock::time_point nextRescan = Clock::now() + limits_.rescanInterval;
        while (!stop.stop_requested()) {
            auto wait = kLongestWait;
            if (changes.pending()) {
                wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      changes.dueAt() - Clock::now()),
                                  std::chrono::milliseconds(0), kLongestWait);
            }
            const std::vector<std::string> changed = watch.wait(wait);
            const Clock::time_point now = Clock::now();
            for (const std::string& folder : changed)
                changes.note(folder, now);
            if (const auto batch = changes.take(now)) {
                QStringList folders;
                for (const std::string& folder : batch->folders) {
                    const QString existing = existingFolder(QString::fromStdString(folder), roots);
                    if (!folders.contains(existing))
                        folders << existing;
                }
                // A removed folder's stand-in may hold another changed one.
                folders.removeIf([&folders](const QString& folder) {
                    return std::any_of(folders.begin(), folders.end(), [&](const QString& other) {
                        return folder.startsWith(other + QLatin1Char('/'));
                    });
                });
                emit foldersChanged(folders, wallClockMs(batch->lastChange));
            }
            if (!complete && now >= nextRescan) {
                // What the watch cannot see is looked at this often instead.
                emit foldersChanged(roots, wallClockMs(now));
                nextRescan = now + limits_.rescanInterval;
            }
        }
    } catch (const std::exception& error) {
        emit watchFailed(QString::fromUtf8(error.what()));
    }
}

}  // namespace abc::ui
