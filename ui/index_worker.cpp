#include "ui/index_worker.h"

#include <exception>

#include "core/library/photo_embedder.h"
#include "ui/engine_session.h"

namespace abc::ui {

void IndexWorker::pause() {
    std::lock_guard lock(mutex_);
    if (indexer_) {
        indexer_->pause();
    } else {
        pauseBeforeStart_ = true;
    }
}

void IndexWorker::resume() {
    std::lock_guard lock(mutex_);
    pauseBeforeStart_ = false;
    if (indexer_)
        indexer_->resume();
}

void IndexWorker::cancel() {
    std::lock_guard lock(mutex_);
    cancelRequested_ = true;
    if (indexer_)
        indexer_->cancel();
}

bool IndexWorker::isRunning() const {
    std::lock_guard lock(mutex_);
    return indexer_ != nullptr;
}

void IndexWorker::run(std::shared_ptr<EngineSession> session, const QStringList& folders) {
    if (!session || !session->embedder) {
        emit failed(tr("No model is loaded yet"));
        return;
    }
    PhotoIndexer indexer(*session->store, *session->embedder, *session->decoder);
    {
        std::lock_guard lock(mutex_);
        indexer_ = &indexer;
        if (pauseBeforeStart_)
            indexer.pause();
        pauseBeforeStart_ = false;
    }
    IndexOptions options;
    for (const QString& folder : folders)
        options.folders.push_back(folder.toStdString());
    try {
        const IndexSummary summary = indexer.run(options, [&](const IndexProgress& step) {
            if (cancelRequested_)
                indexer.cancel();
            emit progress(step);
        });
        {
            std::lock_guard lock(mutex_);
            indexer_ = nullptr;
            cancelRequested_ = false;
        }
        emit finished(summary);
    } catch (const std::exception& error) {
        {
            std::lock_guard lock(mutex_);
            indexer_ = nullptr;
            cancelRequested_ = false;
        }
        emit failed(QString::fromUtf8(error.what()));
    }
}

}  // namespace abc::ui
