#pragma once

#include <QObject>
#include <QStringList>
#include <chrono>
#include <thread>

namespace abc::ui {

// Watches the library's folders on a thread of its own (core's FolderWatch) and says, once a
// burst of changes has gone quiet, which folders to bring up to date: many files copied in
// make one foldersChanged, not one per file. Past the cap on watched folders it says so once
// (watchLimitReached) and then reports every root each `rescanInterval`, so the folders it
// cannot watch are still looked at. Signals are emitted on the watching thread; connect them
// queued (the default across threads).
class FolderWatcher : public QObject {
    Q_OBJECT

  public:
    struct Limits {
        std::chrono::milliseconds quiet{2000};     // no event for this long ends a burst
        std::chrono::milliseconds longest{30000};  // a burst that goes on is reported this often
        std::size_t maxFolders = 8192;
        std::chrono::milliseconds rescanInterval{std::chrono::minutes(10)};
    };

    explicit FolderWatcher(QObject* parent = nullptr);
    FolderWatcher(Limits limits, QObject* parent = nullptr);
    ~FolderWatcher() override;

    // Watches `roots` and the folders below them from now on, instead of what was watched
    // before; `ignoredFiles` never count as changes. Empty roots: watches nothing.
    void watch(const QStringList& roots, const QStringList& ignoredFiles = {});
    void stop();
    bool isWatching() const { return thread_.joinable(); }

  signals:
    // `folders`: absolute, none below another, each under a root; `lastChangeMs`: when the
    // latest of their changes was seen, on QDateTime::currentMSecsSinceEpoch()'s clock.
    void foldersChanged(const QStringList& folders, qint64 lastChangeMs);
    // More folders than the cap (or the system allows) lie below the roots: `watched` are.
    void watchLimitReached(int watched);
    // The folders cannot be watched at all (no inotify instance): why.
    void watchFailed(const QString& message);

  private:
    void loop(std::stop_token stop, QStringList roots, QStringList ignoredFiles);

    Limits limits_;
    std::jthread thread_;
};

}  // namespace abc::ui
