#include "ui/model_cache_panel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QtConcurrent>

#include <algorithm>

#include "core/hub/hub_cache_layout.h"
#include "core/hub/model_cache_status.h"
#include "core/io/byte_size.h"
#include "core/io/error.h"
#include "ui/model_location_row.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

namespace {

QString bytesText(std::uint64_t bytes) {
    return QString::fromStdString(byteSizeText(bytes));
}

// What the snapshot's files take, optional ones (vocab, merges) included: status.bytesOnDisk
// counts only the files the model needs.
std::uint64_t snapshotBytes(const std::filesystem::path& cache, const RepoCacheStatus& status) {
    std::uint64_t bytes = 0;
    std::error_code ec;
    const auto folder = HubCacheRepo(cache, status.repoId).snapshot(*status.commit);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder, ec)) {
        if (entry.is_regular_file(ec))  // follows the link to its blob
            bytes += std::filesystem::file_size(entry.path(), ec);
    }
    return bytes;
}

QString statusText(const RepoCacheStatus& status, std::uint64_t bytesOnDisk, bool optional) {
    const QString revision = QString::fromStdString(status.revision);
    if (!status.commit) {
        if (optional && status.partialBytes == 0)
            return optionalAbsentText();
        return status.partialBytes > 0 ? ModelCachePanel::tr(
                                             "%1: not complete yet, %2 fetched (the first-run "
                                             "page resumes it)")
                                             .arg(revision, bytesText(status.partialBytes))
                                       : ModelCachePanel::tr("%1: not in the cache").arg(revision);
    }
    const QString commit = QString::fromStdString(*status.commit);
    QString text = ModelCachePanel::tr("%1 at commit %2, %3 on disk")
                       .arg(revision, commit, bytesText(bytesOnDisk));
    if (!status.missingFiles.empty()) {
        text += countText(static_cast<int>(status.missingFiles.size()),
                          ModelCachePanel::tr("; 1 file missing"),
                          ModelCachePanel::tr("; %1 files missing"));
    }
    return text;
}

}  // namespace

ModelCachePanel::ModelCachePanel(std::vector<HubRepoRequest> repos,
                                 std::vector<std::string> optionalRepoIds, QWidget* parent)
    : QGroupBox(tr("Downloaded model (Hugging Face cache)"), parent),
      repos_(std::move(repos)),
      optionalRepoIds_(std::move(optionalRepoIds)) {
    setObjectName(QStringLiteral("modelCachePanel"));
    auto* form = new QFormLayout(this);
    for (std::size_t i = 0; i < repos_.size(); ++i) {
        auto* label = new QLabel(this);
        label->setObjectName(QStringLiteral("modelCacheRepo%1").arg(i));
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        repoLabels_ << label;
        form->addRow(QString::fromStdString(repos_[i].repoId), label);
    }
    size_ = new QLabel(this);
    size_->setObjectName(QStringLiteral("modelCacheSize"));
    form->addRow(tr("Size on disk"), size_);
    verify_ = new QPushButton(tr("&Verify"), this);
    verify_->setObjectName(QStringLiteral("modelVerifyButton"));
    verify_->setAccessibleName(tr("Verify the downloaded model's files"));
    verify_->setEnabled(!repos_.empty());
    result_ = new QLabel(this);
    result_->setObjectName(QStringLiteral("modelVerifyResult"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* verifyRow = new QHBoxLayout;
    verifyRow->addWidget(verify_);
    verifyRow->addWidget(result_, 1);
    form->addRow(tr("Files"), verifyRow);
    if (repos_.empty())
        result_->setText(tr("The model comes from folders of your own; nothing to verify here."));
    connect(verify_, &QPushButton::clicked, this, &ModelCachePanel::verify);
    connect(&verifying_, &QFutureWatcher<Outcome>::finished, this, &ModelCachePanel::showOutcome);
    showStatus();
}

ModelCachePanel::~ModelCachePanel() {
    *stop_ = true;
    verifying_.waitForFinished();
}

void ModelCachePanel::showStatus() {
    const auto cache = huggingFaceHubCache();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < repos_.size(); ++i) {
        try {
            const RepoCacheStatus status = repoCacheStatus(cache, repos_[i]);
            const std::uint64_t bytes = status.commit ? snapshotBytes(cache, status) : 0;
            const bool optional = std::find(optionalRepoIds_.begin(), optionalRepoIds_.end(),
                                            repos_[i].repoId) != optionalRepoIds_.end();
            repoLabels_[i]->setText(statusText(status, bytes, optional));
            total += bytes;
        } catch (const std::exception& error) {
            repoLabels_[i]->setText(tr("cannot be read: %1").arg(QString::fromUtf8(error.what())));
        }
    }
    size_->setText(tr("%1 in %2").arg(bytesText(total), QString::fromStdString(cache.string())));
}

void ModelCachePanel::verify() {
    if (verifying_.isRunning())
        return;
    verify_->setEnabled(false);
    result_->setText(tr("Verifying (the whole model is read once)…"));
    verifying_.setFuture(QtConcurrent::run([repos = repos_, stop = stop_]() -> Outcome {
        const auto cache = huggingFaceHubCache();
        Outcome outcome{true, {}};
        int matched = 0;
        QStringList problems;
        try {
            for (const HubRepoRequest& repo : repos) {
                for (const FileCheck& check :
                     verifyRepoCache(cache, repo, [&stop] { return !stop->load(); })) {
                    const QString file = QString::fromStdString(repo.repoId + "/" + check.file);
                    switch (check.result) {
                        case FileCheckResult::Matches:
                            ++matched;
                            break;
                        case FileCheckResult::NotChecked:
                            break;
                        case FileCheckResult::Mismatch:
                            problems << tr("%1 is damaged (%2)")
                                            .arg(file, QString::fromStdString(check.detail));
                            break;
                        case FileCheckResult::Missing:
                            problems << tr("%1 is missing").arg(file);
                            break;
                    }
                }
            }
        } catch (const Cancelled&) {
            return {false, tr("Verification stopped.")};
        } catch (const std::exception& error) {
            return {false, tr("Verification failed: %1").arg(QString::fromUtf8(error.what()))};
        }
        if (!problems.isEmpty()) {
            return {false, tr("Not ok: %1. Download the model again from the first-run page "
                              "or with abc-photos-cli model download.")
                               .arg(problems.join(QStringLiteral("; ")))};
        }
        outcome.text = countText(matched, tr("Ok: 1 file matches its sha256."),
                                 tr("Ok: %1 files match their sha256."));
        return outcome;
    }));
}

void ModelCachePanel::showOutcome() {
    const Outcome outcome = verifying_.result();
    result_->setText(outcome.text);
    verify_->setEnabled(true);
    showStatus();
    emit verified(outcome.allGood);
}

}  // namespace abc::ui
