#pragma once

#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>

#include "core/library/photo_indexer.h"

namespace abc::ui {

struct EngineSession;

// Runs the library's indexing pipeline on its own thread. pause(), resume() and cancel() are
// called from the GUI thread and reach the running indexer directly (it is thread-safe);
// progress and the summary come back as queued signals carrying plain values.
class IndexWorker : public QObject {
    Q_OBJECT

  public:
    void pause();
    void resume();
    void cancel();
    bool isRunning() const;

  public slots:
    void run(std::shared_ptr<abc::ui::EngineSession> session, const QStringList& folders);

  signals:
    void progress(const abc::IndexProgress& progress);
    void finished(const abc::IndexSummary& summary);
    void failed(const QString& message);

  private:
    mutable std::mutex mutex_;
    PhotoIndexer* indexer_ = nullptr;  // the running one, owned by run()
    // PhotoIndexer::run clears its own cancel flag when it starts, so a cancel that arrives
    // before then is kept here and applied at the run's first progress report.
    std::atomic<bool> cancelRequested_{false};
    bool pauseBeforeStart_ = false;
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::IndexProgress)
Q_DECLARE_METATYPE(abc::IndexSummary)
Q_DECLARE_METATYPE(std::shared_ptr<abc::ui::EngineSession>)
