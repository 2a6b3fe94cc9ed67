#include "ui/experiment_panel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

#include "ui/photo_decoder.h"
#include "ui/similarity_heatmap.h"

namespace abc::ui {

namespace {

QStringList nonEmptyLines(const QString& text) {
    QStringList lines;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            lines << trimmed;
    }
    return lines;
}

}  // namespace

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("experimentPanel"));
    setAccessibleName(tr("Instruction experiment"));
    setAcceptDrops(true);

    auto* inputs = new QWidget(this);
    auto* form = new QVBoxLayout(inputs);
    form->setContentsMargins(0, 0, 0, 0);

    preview_ = new QLabel(inputs);
    preview_->setObjectName(QStringLiteral("experimentImage"));
    preview_->setAccessibleName(tr("Experiment image"));
    preview_->setAlignment(Qt::AlignCenter);
    preview_->setMinimumSize(220, 160);
    preview_->setFrameShape(QFrame::StyledPanel);
    preview_->setText(tr("Drop an image here"));
    form->addWidget(preview_, 2);

    auto* imageRow = new QHBoxLayout;
    imageName_ = new QLabel(tr("No image"), inputs);
    imageName_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* browse = new QPushButton(tr("Choose image…"), inputs);
    browse->setObjectName(QStringLiteral("experimentChooseImage"));
    browse->setAccessibleName(tr("Choose the experiment image"));
    connect(browse, &QPushButton::clicked, this, &ExperimentPanel::chooseImage);
    imageRow->addWidget(imageName_, 1);
    imageRow->addWidget(browse);
    form->addLayout(imageRow);

    auto* instructionsLabel = new QLabel(tr("&Instructions, one per line"), inputs);
    instructionsEdit_ = new QPlainTextEdit(inputs);
    instructionsEdit_->setObjectName(QStringLiteral("experimentInstructions"));
    instructionsEdit_->setAccessibleName(tr("Instructions, one per line"));
    instructionsEdit_->setTabChangesFocus(true);
    instructionsLabel->setBuddy(instructionsEdit_);
    form->addWidget(instructionsLabel);
    form->addWidget(instructionsEdit_, 1);

    auto* candidatesLabel = new QLabel(tr("Candidate &texts, one per line"), inputs);
    candidatesEdit_ = new QPlainTextEdit(inputs);
    candidatesEdit_->setObjectName(QStringLiteral("experimentCandidates"));
    candidatesEdit_->setAccessibleName(tr("Candidate texts, one per line"));
    candidatesEdit_->setTabChangesFocus(true);
    candidatesLabel->setBuddy(candidatesEdit_);
    form->addWidget(candidatesLabel);
    form->addWidget(candidatesEdit_, 1);

    // ABC's own example: the instruction decides which animal the image embedding is about.
    setInstructions({QStringLiteral("what is the animal on the left?"),
                     QStringLiteral("what is the animal on the right?")});
    setCandidates({QStringLiteral("a dog"), QStringLiteral("a cat")});

    auto* results = new QWidget(this);
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    heatmap_ = new SimilarityHeatmap(results);
    resultsLayout->addWidget(heatmap_, 1);
    status_ = new QLabel(results);
    status_->setObjectName(QStringLiteral("experimentStatus"));
    status_->setWordWrap(true);
    // Two lines reserved: a wrapped label under an expanding heatmap is otherwise squeezed.
    status_->setMinimumHeight(status_->fontMetrics().lineSpacing() * 2 + 4);
    resultsLayout->addWidget(status_);
    auto* buttons = new QHBoxLayout;
    computeButton_ = new QPushButton(tr("&Compute"), results);
    computeButton_->setObjectName(QStringLiteral("experimentCompute"));
    computeButton_->setAccessibleName(tr("Compute the similarity matrix"));
    computeButton_->setDefault(true);
    exportCsvButton_ = new QPushButton(tr("Export CS&V…"), results);
    exportCsvButton_->setAccessibleName(tr("Export the matrix as CSV"));
    exportPngButton_ = new QPushButton(tr("Export &PNG…"), results);
    exportPngButton_->setAccessibleName(tr("Export the heatmap as PNG"));
    buttons->addWidget(computeButton_);
    buttons->addStretch(1);
    buttons->addWidget(exportCsvButton_);
    buttons->addWidget(exportPngButton_);
    resultsLayout->addLayout(buttons);

    connect(computeButton_, &QPushButton::clicked, this, &ExperimentPanel::compute);
    connect(exportCsvButton_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export matrix"), QStringLiteral("experiment.csv"), tr("CSV (*.csv)"));
        if (!file.isEmpty() && !exportCsv(file))
            status_->setText(tr("Could not write %1").arg(file));
    });
    connect(exportPngButton_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export heatmap"), QStringLiteral("experiment.png"), tr("PNG (*.png)"));
        if (!file.isEmpty() && !exportPng(file))
            status_->setText(tr("Could not write %1").arg(file));
    });
    connect(instructionsEdit_, &QPlainTextEdit::textChanged, this, &ExperimentPanel::updateActions);
    connect(candidatesEdit_, &QPlainTextEdit::textChanged, this, &ExperimentPanel::updateActions);
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &ExperimentPanel::onFinished);
    connect(&previewWatcher_, &QFutureWatcher<Preview>::finished, this, [this] {
        const Preview shown = previewWatcher_.result();
        if (shown.path != imagePath_)
            return;  // an image chosen before the current one
        if (shown.image.isNull()) {
            preview_->setPixmap({});
            preview_->setText(tr("Cannot read %1").arg(QFileInfo(shown.path).fileName()));
            preview_->setToolTip(shown.error);
        } else {
            preview_->setPixmap(QPixmap::fromImage(shown.image));
            preview_->setToolTip({});
        }
        emit previewShown(shown.path);
    });

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(inputs);
    splitter->addWidget(results);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    updateActions();
}

ExperimentPanel::~ExperimentPanel() {
    watcher_.waitForFinished();
    previewWatcher_.waitForFinished();
}

void ExperimentPanel::setRunner(ExperimentRunner runner) {
    runner_ = std::move(runner);
    updateActions();
}

void ExperimentPanel::setImagePath(const QString& path) {
    imagePath_ = path;
    preview_->setPixmap({});
    preview_->setText(tr("Loading…"));
    previewWatcher_.setFuture(QtConcurrent::run([path] {
        DisplayImage decoded = decodePhotoForDisplay(path, 360);
        return Preview{path, std::move(decoded.image), std::move(decoded.error)};
    }));
    imageName_->setText(QFileInfo(path).fileName());
    imageName_->setToolTip(path);
    updateActions();
}

QStringList ExperimentPanel::instructions() const {
    return nonEmptyLines(instructionsEdit_->toPlainText());
}

QStringList ExperimentPanel::candidates() const {
    return nonEmptyLines(candidatesEdit_->toPlainText());
}

void ExperimentPanel::setInstructions(const QStringList& lines) {
    instructionsEdit_->setPlainText(lines.join(QLatin1Char('\n')));
}

void ExperimentPanel::setCandidates(const QStringList& lines) {
    candidatesEdit_->setPlainText(lines.join(QLatin1Char('\n')));
}

void ExperimentPanel::updateActions() {
    if (!computeButton_)
        return;
    const bool ready = runner_ && !imagePath_.isEmpty() && !instructions().isEmpty() &&
                       !candidates().isEmpty() && !watcher_.isRunning();
    computeButton_->setEnabled(ready);
    computeButton_->setToolTip(runner_ ? QString() : tr("Load a model in Settings first"));
    const bool hasMatrix = !heatmap_->matrix().isEmpty();
    exportCsvButton_->setEnabled(hasMatrix);
    exportPngButton_->setEnabled(hasMatrix);
}

void ExperimentPanel::compute() {
    if (!runner_ || imagePath_.isEmpty() || watcher_.isRunning())
        return;
    const QStringList rows = instructions();
    const QStringList columns = candidates();
    if (rows.isEmpty() || columns.isEmpty())
        return;
    status_->setText(tr("Computing %1 × %2…").arg(rows.size()).arg(columns.size()));
    // The model never runs on the GUI thread.
    watcher_.setFuture(QtConcurrent::run([runner = runner_, image = imagePath_, rows, columns] {
        Outcome outcome;
        try {
            outcome.matrix = runner(image, rows, columns);
        } catch (const std::exception& error) {
            outcome.error = QString::fromUtf8(error.what());
        }
        return outcome;
    }));
    updateActions();
}

void ExperimentPanel::onFinished() {
    const Outcome outcome = watcher_.result();
    if (!outcome.error.isEmpty()) {
        status_->setText(tr("Failed: %1").arg(outcome.error));
        emit failed(outcome.error);
    } else {
        heatmap_->setMatrix(outcome.matrix);
        status_->setText(
            tr("Rows: instructions; columns: candidate texts. The outlined cell is "
               "the best candidate under each instruction."));
        emit computed(outcome.matrix);
    }
    updateActions();
}

void ExperimentPanel::chooseImage() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Choose an image"), QFileInfo(imagePath_).absolutePath(),
        tr("Images (*.jpg *.jpeg *.png *.webp *.heic *.heif *.bmp *.gif *.tif *.tiff)"));
    if (!file.isEmpty())
        setImagePath(file);
}

bool ExperimentPanel::exportCsv(const QString& file) const {
    if (heatmap_->matrix().isEmpty())
        return false;
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.write(heatmap_->matrix().toCsv().toUtf8());
    return out.commit();
}

bool ExperimentPanel::exportPng(const QString& file) const {
    if (heatmap_->matrix().isEmpty())
        return false;
    return heatmap_->toImage().save(file, "PNG");
}

void ExperimentPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) {
        event->acceptProposedAction();
    }
}

void ExperimentPanel::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    setImagePath(urls.first().toLocalFile());
    event->acceptProposedAction();
}

}  // namespace abc::ui
