#pragma once

#include <QObject>
#include <QStringList>
#include <memory>
#include <mutex>
#include <stop_token>

#include "core/library/photo_indexer.h"

namespace abc::ui {

struct EngineSession;

// Runs the library's indexing pipeline on its own thread. pause(), resume() and cancel() are
// called from the GUI thread and reach the running indexer directly (it is thread-safe;
// cancel() is a stop request on the run's std::stop_token);
// progress and the summary come back as queued signals carrying plain values.
class IndexWorker : public QObject {
    Q_OBJECT

  public:
    void pause();
    void resume();
    void cancel();
    bool isRunning() const;

  public slots:
    // Indexes the library folders `folders` (recorded as such).
    void run(std::shared_ptr<abc::ui::EngineSession> session, const QStringList& folders);
    // Brings the photos under `folders`, folders below the library's own, up to date without
    // recording them as library folders (what the folder watch found changed).
    void update(std::shared_ptr<abc::ui::EngineSession> session, const QStringList& folders);

  signals:
    void progress(const abc::IndexProgress& progress);
    void finished(const abc::IndexSummary& summary);
    void failed(const QString& message);

  private:
    void index(const std::shared_ptr<EngineSession>& session, const QStringList& folders,
               bool recordFolders);

    mutable std::mutex mutex_;
    PhotoIndexer* indexer_ = nullptr;  // the running one, owned by run()
    // The next or running run's: a cancel that arrives before the run starts stops it as
    // soon as it does. Replaced when a run ends.
    std::stop_source stop_;
    bool pauseBeforeStart_ = false;
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::IndexProgress)
Q_DECLARE_METATYPE(abc::IndexSummary)
Q_DECLARE_METATYPE(std::shared_ptr<abc::ui::EngineSession>)
