#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <thread>

#include "core/hub/download_control.h"
#include "core/hub/model_download.h"

Q_DECLARE_METATYPE(abc::DownloadProgress)

namespace abc::ui {

// Runs the core download (downloadModel) on a thread of its own, so the window stays live
// for a 16 GB fetch, and reports back through queued signals. One download at a time;
// destroying the worker cancels it and waits, keeping every partial file for the next run.
class ModelDownloadWorker : public QObject {
    Q_OBJECT

  public:
    // What the person is told to do about a failure.
    enum class Failure { DiskFull, Offline, NotAuthorised, ChecksumMismatch, Other };
    Q_ENUM(Failure)

    // `request.repos` is what start() fetches; the rest (cache, endpoint, token) defaults to
    // the environment as huggingface_hub reads it.
    explicit ModelDownloadWorker(QObject* parent = nullptr);
    ~ModelDownloadWorker() override;

    void start(ModelDownloadRequest request);
    void pause();
    void resume();
    void cancel();
    bool isRunning() const { return running_; }
    bool isPaused() const { return control_ && control_->paused(); }

  signals:
    void progressed(const abc::DownloadProgress& progress);
    void finished(qint64 bytesOnDisk);
    void failed(abc::ui::ModelDownloadWorker::Failure failure, const QString& message);
    void cancelled();

  private:
    void join();

    std::unique_ptr<DownloadControl> control_;
    std::thread thread_;
    bool running_ = false;  // GUI thread only: set by start(), cleared just before the end's signal
};

}  // namespace abc::ui
