#include "ui/model_download_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>

#include "core/hub/hub_cache_layout.h"
#include "core/hub/model_cache_status.h"
#include "core/io/byte_size.h"
#include "core/model/embedder.h"

namespace abc::ui {

namespace {

namespace fs = std::filesystem;

// What the three default repositories held at the revisions ABC was made with: shown until a
// download has measured the real total (the hub's sizes), which then replaces it.
constexpr std::uint64_t kDefaultModelBytesEstimate = 16'600'000'000ull;

QString bytesText(std::uint64_t bytes) {
    return QString::fromStdString(byteSizeText(bytes));
}

QString etaText(double seconds) {
    if (seconds < 0)
        return ModelDownloadPanel::tr("time left unknown");
    const auto whole = static_cast<long long>(std::ceil(seconds));
    if (whole < 60)
        return ModelDownloadPanel::tr("about %1 s left").arg(whole);
    if (whole < 3600)
        return ModelDownloadPanel::tr("about %1 min left").arg((whole + 59) / 60);
    return ModelDownloadPanel::tr("about %1 h %2 min left")
        .arg(whole / 3600)
        .arg(whole % 3600 / 60);
}

// Bytes under blobs/, partial ones included: what an earlier run already fetched.
std::uint64_t fetchedBytes(const fs::path& cacheRoot, const HubRepoRequest& repo) {
    const HubCacheRepo cache(cacheRoot, repo.repoId);
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(cache.folder() / "blobs", ec)) {
        if (entry.is_regular_file(ec))
            bytes += entry.file_size(ec);
    }
    return bytes;
}

bool areDefaults(const std::vector<HubRepoRequest>& repos) {
    const ModelLocation defaults;
    for (const HubRepoRequest& repo : repos) {
        if (repo.repoId != defaults.base && repo.repoId != defaults.pretrainAdapter &&
            repo.repoId != defaults.instructAdapter)
            return false;
    }
    return !repos.empty();
}

QString failureText(ModelDownloadWorker::Failure failure) {
    using Failure = ModelDownloadWorker::Failure;
    switch (failure) {
        case Failure::DiskFull:
            return ModelDownloadPanel::tr(
                "<b>Not enough free disk space.</b> Free some space on the disk that holds the "
                "Hugging Face cache (or point HF_HUB_CACHE elsewhere), then resume.");
        case Failure::Offline:
            return ModelDownloadPanel::tr(
                "<b>Hugging Face cannot be reached.</b> Check the network connection (and that "
                "HF_HUB_OFFLINE is not set), then resume: nothing fetched so far is lost.");
        case Failure::NotAuthorised:
            return ModelDownloadPanel::tr(
                "<b>Hugging Face refused access (401).</b> The repository is gated, private or "
                "does not exist: log in with <code>huggingface-cli login</code> or set HF_TOKEN, "
                "accept the model's terms on its page, then try again.");
        case Failure::ChecksumMismatch:
            return ModelDownloadPanel::tr(
                "<b>A downloaded file was damaged (checksum mismatch).</b> It was removed and "
                "nothing of it is used; try again to fetch it once more.");
        case Failure::Other:
            break;
    }
    return ModelDownloadPanel::tr("<b>The download stopped.</b>");
}

}  // namespace

ModelDownloadPanel::ModelDownloadPanel(QWidget* parent)
    : QWidget(parent), worker_(new ModelDownloadWorker(this)) {
    setObjectName(QStringLiteral("modelDownloadPanel"));
    download_ = new QPushButton(this);
    download_->setObjectName(QStringLiteral("downloadButton"));
    bar_ = new QProgressBar(this);
    bar_->setObjectName(QStringLiteral("downloadProgress"));
    bar_->setAccessibleName(tr("Download progress"));
    bar_->setRange(0, 1000);  // per mille: 16 GB does not fit an int
    bar_->setTextVisible(true);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("downloadStatus"));
    status_->setWordWrap(true);
    pause_ = new QPushButton(tr("&Pause"), this);
    pause_->setObjectName(QStringLiteral("downloadPause"));
    cancel_ = new QPushButton(tr("Cance&l"), this);
    cancel_->setObjectName(QStringLiteral("downloadCancel"));
    cancel_->setAccessibleName(tr("Cancel the download (what was fetched stays)"));
    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("downloadError"));
    error_->setWordWrap(true);
    error_->setTextFormat(Qt::RichText);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setAccessibleName(tr("Why the download stopped"));
    error_->setFrameShape(QFrame::StyledPanel);
    error_->setContentsMargins(8, 6, 8, 6);
    error_->hide();

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(bar_, 1);
    progressRow->addWidget(pause_);
    progressRow->addWidget(cancel_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(download_, 0, Qt::AlignLeft);
    layout->addLayout(progressRow);
    layout->addWidget(status_);
    layout->addWidget(error_);

    connect(download_, &QPushButton::clicked, this, &ModelDownloadPanel::start);
    connect(pause_, &QPushButton::clicked, this, &ModelDownloadPanel::togglePause);
    connect(cancel_, &QPushButton::clicked, worker_, &ModelDownloadWorker::cancel);
    connect(worker_, &ModelDownloadWorker::progressed, this, &ModelDownloadPanel::showProgress);
    connect(worker_, &ModelDownloadWorker::finished, this, &ModelDownloadPanel::showFinished);
    connect(worker_, &ModelDownloadWorker::failed, this, &ModelDownloadPanel::showFailure);
    connect(worker_, &ModelDownloadWorker::cancelled, this, &ModelDownloadPanel::showCancelled);
    setRunning(false);
    bar_->hide();
}

QString ModelDownloadPanel::reposKey() const {
    QString key;
    for (const HubRepoRequest& repo : repos_)
        key += QString::fromStdString(repo.repoId + "@" + repo.revision + ",");
    return QStringLiteral("modelDownload/totalBytes/") + key.replace('/', QStringLiteral("--"));
}

void ModelDownloadPanel::setDownloadOptions(ModelDownloadRequest options) {
    options_ = std::move(options);
    if (!isDownloading())
        updateButton();
}

ModelDownloadRequest ModelDownloadPanel::request() const {
    ModelDownloadRequest request = options_ ? *options_ : ModelDownloadRequest{};
    request.repos = repos_;
    return request;
}

void ModelDownloadPanel::setRepos(std::vector<HubRepoRequest> repos) {
    repos_ = std::move(repos);
    if (!isDownloading())
        updateButton();
}

void ModelDownloadPanel::updateButton() {
    const fs::path cache = request().cacheRoot;
    std::uint64_t fetched = 0;
    bool complete = !repos_.empty();
    for (const HubRepoRequest& repo : repos_) {
        fetched += fetchedBytes(cache, repo);
        complete = complete && repoCacheStatus(cache, repo).complete();
    }
    const std::uint64_t measured = QSettings().value(reposKey()).toULongLong();
    QString size;
    if (measured > 0)
        size = bytesText(measured);
    else if (areDefaults(repos_))
        size = tr("about %1").arg(bytesText(kDefaultModelBytesEstimate));
    download_->setEnabled(!repos_.empty() && !complete);
    if (complete) {
        download_->setText(tr("The model is downloaded"));
    } else if (fetched > 0) {
        download_->setText(measured > 0
                               ? tr("&Resume download (%1 of %2 fetched)")
                                     .arg(bytesText(std::min(fetched, measured)), size)
                               : tr("&Resume download (%1 fetched)").arg(bytesText(fetched)));
    } else {
        download_->setText(size.isEmpty() ? tr("&Download the model")
                                          : tr("&Download the model (%1)").arg(size));
    }
    download_->setAccessibleName(download_->text().remove('&'));
}

void ModelDownloadPanel::start() {
    if (isDownloading() || repos_.empty())
        return;
    ModelDownloadRequest request = this->request();
    cachedAtStart_ = 0;
    totalRemembered_ = false;
    for (const HubRepoRequest& repo : repos_)
        cachedAtStart_ += repoCacheStatus(request.cacheRoot, repo).bytesOnDisk;
    error_->hide();
    status_->setText(tr("Asking Hugging Face what to fetch…"));
    bar_->setValue(0);
    bar_->show();
    worker_->start(std::move(request));
    setRunning(true);
}

void ModelDownloadPanel::togglePause() {
    if (worker_->isPaused()) {
        worker_->resume();
        pause_->setText(tr("&Pause"));
    } else {
        worker_->pause();
        pause_->setText(tr("&Resume"));
    }
}

void ModelDownloadPanel::setRunning(bool running) {
    if (!running && bar_->value() == 0)
        bar_->hide();  // stopped before a byte came: a bar at 0 % says nothing
    download_->setVisible(!running);
    pause_->setVisible(running);
    cancel_->setVisible(running);
    pause_->setText(tr("&Pause"));
    emit downloadingChanged(running);
}

void ModelDownloadPanel::showProgress(const DownloadProgress& progress) {
    if (!isDownloading())
        return;  // queued before the end: the end's text stays
    if (progress.stage == DownloadStage::Checking) {
        status_->setText(
            tr("Asking Hugging Face what to fetch… (%1 files so far)").arg(progress.filesTotal));
        return;
    }
    if (progress.totalBytes > 0 && !totalRemembered_) {
        // Once per run (the plan's total does not change), not at every report.
        QSettings().setValue(reposKey(),
                             static_cast<qulonglong>(progress.totalBytes + cachedAtStart_));
        totalRemembered_ = true;
    }
    const double fraction = progress.totalBytes > 0 ? static_cast<double>(progress.doneBytes) /
                                                          static_cast<double>(progress.totalBytes)
                                                    : 1.0;
    bar_->setValue(static_cast<int>(std::lround(std::min(1.0, fraction) * 1000)));
    bar_->setFormat(QStringLiteral("%1 %").arg(fraction * 100, 0, 'f', 1));
    const QString bytes =
        tr("%1 of %2").arg(bytesText(progress.doneBytes), bytesText(progress.totalBytes));
    const QString files = tr("%1 of %2 files").arg(progress.filesDone).arg(progress.filesTotal);
    if (progress.paused) {
        status_->setText(tr("Paused at %1 · %2").arg(bytes, files));
        return;
    }
    status_->setText(tr("%1 · %2/s · %3 · %4")
                         .arg(bytes, bytesText(static_cast<std::uint64_t>(progress.bytesPerSecond)),
                              etaText(progress.etaSeconds), files));
}

void ModelDownloadPanel::showFinished(qint64 bytesOnDisk) {
    setRunning(false);
    bar_->setValue(1000);
    bar_->setFormat(QStringLiteral("100 %"));
    status_->setText(tr("Downloaded: %1 in the Hugging Face cache (%2)")
                         .arg(bytesText(static_cast<std::uint64_t>(bytesOnDisk)),
                              QString::fromStdString(request().cacheRoot.string())));
    updateButton();
    emit downloaded();
}

void ModelDownloadPanel::showFailure(ModelDownloadWorker::Failure failure, const QString& message) {
    setRunning(false);
    error_->setText(failureText(failure) +
                    QStringLiteral("<br><small>%1</small>").arg(message.toHtmlEscaped()));
    error_->show();
    status_->setText(tr("The download stopped; what was fetched stays for the next attempt."));
    updateButton();
}

void ModelDownloadPanel::showCancelled() {
    setRunning(false);
    status_->setText(tr("Cancelled; what was fetched stays for the next attempt."));
    updateButton();
}

}  // namespace abc::ui
