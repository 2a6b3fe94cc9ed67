// The main window's part in keeping the library current without being asked: the folder
// watch's changes become indexing runs over just those folders, one run at a time, behind
// the runs the user started.
#include <QDateTime>
#include <QFileInfo>
#include <QProgressBar>
#include <QSet>

#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "ui/engine_session.h"
#include "ui/folder_watcher.h"
#include "ui/index_worker.h"
#include "ui/main_window.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

void MainWindow::watchFolders() {
    QStringList roots;
    if (settings_.watchFolders && session_ && session_->hasModel()) {
        try {
            for (const std::string& folder : session_->store->folders())
                roots << QString::fromStdString(folder);
        } catch (const std::exception& error) {
            showStatus(tr("The library could not be read: %1").arg(error.what()));
        }
    }
    if (roots == watchedRoots_ && folderWatcher_->isWatching() == !roots.isEmpty())
        return;
    watchedRoots_ = roots;
    if (roots.isEmpty()) {
        folderWatcher_->stop();
        return;
    }
    // The library's own files never count as photo changes, should they lie in a photo folder.
    const QString library =
        QFileInfo(QString::fromStdString(session_->store->path())).absoluteFilePath();
    folderWatcher_->watch(
        roots, {library, library + QStringLiteral("-wal"), library + QStringLiteral("-shm"),
                library + QStringLiteral("-journal")});
}

void MainWindow::onFoldersChanged(const QStringList& folders, qint64 lastChangeMs) {
    if (!settings_.watchFolders || !session_ || !session_->hasModel())
        return;
    runQueue_.addChanges(folders, lastChangeMs);
    startNextRun();
}

void MainWindow::startNextRun() {
    if (indexing_)
        return;
    QStringList folders;
    switch (runQueue_.takeNext(folders)) {
        case IndexRunQueue::Next::FullRun:
            startIndexing();
            break;
        case IndexRunQueue::Next::ChangesRun:
            startChangesRun(folders);
            break;
        case IndexRunQueue::Next::Nothing:
            break;
    }
}

void MainWindow::startChangesRun(const QStringList& folders) {
    if (indexing_ || !session_ || !session_->hasModel())
        return;
    changesRun_ = true;
    paused_ = false;
    indexingImageTokens_ = settings_.imageTokens;
    setIndexingUi(true);
    progress_->setRange(0, 0);
    showStatus(folders.size() == 1
                   ? tr("Photos changed in %1: updating the library…").arg(folders.first())
                   : tr("Photos changed in %n folders: updating the library…", nullptr,
                        static_cast<int>(folders.size())));
    QMetaObject::invokeMethod(indexWorker_, "update", Qt::QueuedConnection,
                              Q_ARG(std::shared_ptr<abc::ui::EngineSession>, session_),
                              Q_ARG(QStringList, folders));
}

void MainWindow::onChangesRunEnded(const abc::IndexSummary* summary, const QString& error) {
    changesRun_ = false;
    setIndexingUi(false);
    const bool handedOver = runQueue_.fullRunAsked();  // stopped for a full run
    if (!handedOver) {
        if (summary == nullptr) {
            showStatus(tr("The folder changes could not be indexed: %1").arg(error));
        } else if (summary->cancelled) {
            showStatus(tr("Updating the library cancelled: %1 embedded and kept")
                           .arg(photosInText(static_cast<int>(summary->embedded))));
        } else {
            showStatus(tr("Library updated: %1 new, %2 changed, %3 removed")
                           .arg(summary->added + summary->moved)
                           .arg(summary->changed)
                           .arg(summary->removed));
        }
    }
    refreshFolders();
    if (summary != nullptr && summary->removed > 0) {
        // The grid shows no photo that is gone from disk and from the library.
        PhotoHits kept;
        for (const PhotoHit& hit : resultsModel_->rankedHits()) {
            if (QFileInfo::exists(hit.path))
                kept.append(hit);
        }
        if (kept.size() != resultsModel_->rankedHits().size())
            resultsModel_->setHits(kept, resultsModel_->takenDatesKnown());
    }
    const bool something =
        summary != nullptr && summary->added + summary->moved + summary->changed > 0;
    if (something && !searching_ && lastQuery_ && lastQuery_->kind == SearchQuery::Kind::Browse)
        submit(*lastQuery_);  // all photos, the new ones among them
    if (summary != nullptr) {
        emit folderChangesIndexed(true, *summary);
    } else {
        emit folderChangesIndexed(false, IndexSummary{});
    }
    applyPendingModelSettings();
    startNextRun();
}

}  // namespace abc::ui
