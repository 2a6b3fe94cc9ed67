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
    stop_.request_stop();
}

bool IndexWorker::isRunning() const {
    std::lock_guard lock(mutex_);
    return indexer_ != nullptr;
}

void IndexWorker::run(std::shared_ptr<EngineSession> session, const QStringList& folders) {
    index(session, folders, true);
}

void IndexWorker::update(std::shared_ptr<EngineSession> session, const QStringList& folders) {
    index(session, folders, false);
}

void IndexWorker::index(const std::shared_ptr<EngineSession>& session, const QStringList& folders,
                        bool recordFolders) {
    if (!session || !session->embedder) {
        emit failed(tr("No model is loaded yet"));
        return;
    }
    PhotoIndexer indexer(*session->store, *session->embedder, *session->decoder);
    std::stop_token stop;
    {
        std::lock_guard lock(mutex_);
        indexer_ = &indexer;
        stop = stop_.get_token();
        if (pauseBeforeStart_)
            indexer.pause();
        pauseBeforeStart_ = false;
    }
    // Whatever way the run ends, the next one starts with a stop source of its own.
    const auto endRun = [this] {
        std::lock_guard lock(mutex_);
        indexer_ = nullptr;
        stop_ = std::stop_source();
    };
    IndexOptions options;
    options.recordFolders = recordFolders;
    for (const QString& folder : folders)
        options.folders.push_back(folder.toStdString());
    try {
        const IndexSummary summary = indexer.run(
            options, [&](const IndexProgress& step) { emit progress(step); }, stop);
        endRun();
        emit finished(summary);
    } catch (const std::exception& error) {
        endRun();
        emit failed(QString::fromUtf8(error.what()));
    }
}

}  // namespace abc::ui
