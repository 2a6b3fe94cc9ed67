#include "ui/first_run_page.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/model_download_panel.h"
#include "ui/model_hub_repos.h"
#include "ui/model_location_row.h"

namespace abc::ui {

namespace {

QLabel* paragraph(const QString& html, QWidget* parent) {
    auto* label = new QLabel(html, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setOpenExternalLinks(true);
    return label;
}

}  // namespace

FirstRunPage::FirstRunPage(const AppSettings& settings, QWidget* parent)
    : QWidget(parent), settings_(settings) {
    setObjectName(QStringLiteral("firstRunPage"));
    setAccessibleName(tr("Set up the model"));

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    auto* title = new QLabel(tr("Welcome to ABC Photos"), content);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    layout->addWidget(title);
    layout->addWidget(paragraph(
        tr("ABC Photos searches your photos with the ABC embedding model, which runs entirely on "
           "this computer. It is made of three parts from Hugging Face, and not all of them were "
           "found. "
           "Download them here into the Hugging Face cache, or point each field to a folder "
           "you downloaded, or to a Hugging Face id already in your Hugging Face cache."),
        content));

    auto* parts = new QGroupBox(tr("What is needed"), content);
    auto* partsLayout = new QVBoxLayout(parts);
    partsLayout->setSpacing(8);
    partsLayout->addWidget(paragraph(
        tr("<b>Qwen/Qwen2-VL-7B-Instruct</b>: the vision-language model ABC builds on, about "
           "16.6 GB of bfloat16 weights."),
        parts));
    base_ = new ModelLocationRow(CheckpointKind::BaseModel, tr("Qwen2-VL-7B-Instruct"), parts);
    base_->setText(settings.baseModel);
    partsLayout->addWidget(base_);
    partsLayout->addWidget(paragraph(
        tr("<b>TIGER-Lab/ABC-Qwen2VL-Pretrain</b>: ABC's LoRA adapter and embedding head that "
           "turn the model into an embedding model (well under 1 GB)."),
        parts));
    pretrain_ =
        new ModelLocationRow(CheckpointKind::PretrainAdapter, tr("ABC-Qwen2VL-Pretrain"), parts);
    pretrain_->setText(settings.pretrainAdapter);
    partsLayout->addWidget(pretrain_);
    partsLayout->addWidget(paragraph(
        tr("<b>TIGER-Lab/ABC-Qwen2VL-Instruct</b>: the LoRA adapter that lets an instruction "
           "steer what a photo's embedding is about (optional; well under 1 GB)."),
        parts));
    instruct_ =
        new ModelLocationRow(CheckpointKind::InstructAdapter, tr("ABC-Qwen2VL-Instruct"), parts);
    instruct_->setText(settings.instructAdapter);
    partsLayout->addWidget(instruct_);
    layout->addWidget(parts);

    layout->addWidget(paragraph(
        tr("<b>Disk:</b> about 18 GB for the three parts. <b>Memory:</b> with a CUDA GPU, "
           "about 18 GB of GPU memory (bfloat16); on the CPU alone, about 34 GB of RAM "
           "(float32) and patience: a photo takes tens of seconds."),
        content));

    download_ = new ModelDownloadPanel(content);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(download_, 1);
    continue_ = new QPushButton(tr("&Use folders I have"), content);
    continue_->setObjectName(QStringLiteral("firstRunContinue"));
    continue_->setAccessibleName(tr("Continue with these model folders"));
    continue_->setDefault(true);
    buttons->addWidget(continue_);
    buttons->setAlignment(continue_, Qt::AlignTop);
    layout->addLayout(buttons);
    layout->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("firstRunScroll"));
    scroll->setAccessibleName(tr("What ABC Photos needs, and where it is"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(24, 12, 24, 12);
    outer->addWidget(scroll);

    for (auto* row : {base_, pretrain_, instruct_}) {
        connect(row, &ModelLocationRow::changed, this, &FirstRunPage::updateReady);
    }
    connect(download_, &ModelDownloadPanel::downloaded, this, &FirstRunPage::useDownload);
    // Folders chosen mid-download would be overwritten by the download's ids when it ends.
    connect(download_, &ModelDownloadPanel::downloadingChanged, this, &FirstRunPage::updateReady);
    connect(continue_, &QPushButton::clicked, this, [this] {
        if (isReady())
            emit modelsChosen();
    });
    updateReady();
}

bool FirstRunPage::isReady() const {
    return base_->isFound() && pretrain_->isFound();
}

void FirstRunPage::updateReady() {
    if (continue_)
        continue_->setEnabled(isReady() && !(download_ && download_->isDownloading()));
    if (download_ && !download_->isDownloading())
        download_->setRepos(hubReposToDownload(settings()));
}

void FirstRunPage::useDownload() {
    const AppSettings downloaded = withDownloadedRepos(settings(), download_->repos());
    base_->setText(downloaded.baseModel);
    pretrain_->setText(downloaded.pretrainAdapter);
    instruct_->setText(downloaded.instructAdapter);
    if (isReady())
        emit modelsChosen();
}

AppSettings FirstRunPage::settings() const {
    AppSettings out = settings_;
    out.baseModel = base_->text();
    out.pretrainAdapter = pretrain_->text();
    out.instructAdapter = instruct_->isFound() ? instruct_->text() : QString();
    return out;
}

}  // namespace abc::ui
