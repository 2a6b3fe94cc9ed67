#pragma once

#include <QStringList>

namespace abc::ui {

// Which indexing run the window starts next; there is never more than one at a time. A run
// over all the library's folders (Index now, resuming, a folder added) comes first; the
// folders the folder watch found changed wait behind it, gathered into one run, and changes
// seen before a full run started are dropped (that run scanned them).
class IndexRunQueue {
  public:
    enum class Next { Nothing, FullRun, ChangesRun };

    // A full run was asked for while another ran.
    void askForFullRun() { fullRun_ = true; }
    bool fullRunAsked() const { return fullRun_; }
    // `folders` changed; the latest change was seen at `lastChangeMs` (wall clock, ms).
    void addChanges(const QStringList& folders, qint64 lastChangeMs);
    // A full run starts scanning at `nowMs`.
    void fullRunStarted(qint64 nowMs);
    // What to start now that nothing runs, taken off the queue; `folders`: the changed ones
    // for a ChangesRun.
    Next takeNext(QStringList& folders);

  private:
    bool fullRun_ = false;
    QStringList changed_;
    qint64 lastFullRunMs_ = -1;
};

}  // namespace abc::ui
