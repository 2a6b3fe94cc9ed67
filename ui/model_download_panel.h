#pragma once

#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/hub/model_download.h"
#include "ui/model_download_worker.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace abc::ui {

// The first-run page's download: one button that fetches the model's hub repositories into
// the Hugging Face cache (or resumes what an earlier run left), then a progress bar with the
// bytes, rate and ETA, Pause/Resume and Cancel, and a failure said in words a person can act
// on. The core download runs on a ModelDownloadWorker.
class ModelDownloadPanel : public QWidget {
    Q_OBJECT

  public:
    explicit ModelDownloadPanel(QWidget* parent = nullptr);

    // What the button fetches; the label follows what the cache already holds.
    void setRepos(std::vector<HubRepoRequest> repos);
    const std::vector<HubRepoRequest>& repos() const { return repos_; }
    // The cache, hub client and limits each download uses (its `repos` are ignored); by
    // default the environment's, read again at each start as huggingface_hub reads them.
    void setDownloadOptions(ModelDownloadRequest options);
    bool isDownloading() const { return worker_->isRunning(); }
    QPushButton* downloadButton() const { return download_; }

  signals:
    // Every repository is in the cache, checked and linked.
    void downloaded();
    // A download started or ended (finished, failed or cancelled).
    void downloadingChanged(bool downloading);

  private:
    void start();
    void togglePause();
    void showProgress(const DownloadProgress& progress);
    void showFinished(qint64 bytesOnDisk);
    void showFailure(ModelDownloadWorker::Failure failure, const QString& message);
    void showCancelled();
    void setRunning(bool running);
    // The download button's label from the cache (bytes fetched so far) and the total an
    // earlier run measured.
    void updateButton();
    QString reposKey() const;
    ModelDownloadRequest request() const;

    ModelDownloadWorker* worker_ = nullptr;
    std::vector<HubRepoRequest> repos_;
    std::optional<ModelDownloadRequest> options_;
    std::uint64_t cachedAtStart_ = 0;  // blobs there before this run (its total leaves them out)
    bool totalRemembered_ = false;
    QPushButton* download_ = nullptr;
    QProgressBar* bar_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* error_ = nullptr;
};

}  // namespace abc::ui
