#include "ui/experiment_panel.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

#include "ui/photo_decoder.h"
#include "ui/similarity_heatmap.h"

namespace abc::ui {

namespace {

const QString kImageKey = QStringLiteral("experiment/image");
const QString kInstructionsKey = QStringLiteral("experiment/instructions");
const QString kCandidatesKey = QStringLiteral("experiment/candidates");

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
    useSelected_ = new QPushButton(tr("Use &selected photo"), inputs);
    useSelected_->setObjectName(QStringLiteral("experimentUseSelected"));
    useSelected_->setAccessibleName(tr("Use the photo selected in the grid"));
    connect(useSelected_, &QPushButton::clicked, this, [this] { setImagePath(offeredPhoto_); });
    imageRow->addWidget(imageName_, 1);
    imageRow->addWidget(useSelected_);
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
    computeHint_ = new QLabel(results);
    computeHint_->setObjectName(QStringLiteral("experimentComputeHint"));
    computeHint_->setWordWrap(true);
    buttons->addWidget(computeButton_);
    buttons->addWidget(computeHint_, 1);
    buttons->addWidget(exportCsvButton_);
    buttons->addWidget(exportPngButton_);
    resultsLayout->addLayout(buttons);

    connect(computeButton_, &QPushButton::clicked, this, &ExperimentPanel::compute);
    connect(exportCsvButton_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export matrix"), suggestedFileName(QStringLiteral("csv")), tr("CSV (*.csv)"));
        if (!file.isEmpty() && !exportCsv(file))
            status_->setText(tr("Could not write %1").arg(file));
    });
    connect(exportPngButton_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export heatmap"),
                                                          suggestedFileName(QStringLiteral("png")),
                                                          tr("PNG (*.png)"));
        if (!file.isEmpty() && !exportPng(file))
            status_->setText(tr("Could not write %1").arg(file));
    });
    connect(instructionsEdit_, &QPlainTextEdit::textChanged, this, &ExperimentPanel::inputsChanged);
    connect(candidatesEdit_, &QPlainTextEdit::textChanged, this, &ExperimentPanel::inputsChanged);
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
    restoreInputs();
    updateActions();
}

void ExperimentPanel::restoreInputs() {
    const QSettings settings;
    restoring_ = true;
    if (settings.contains(kInstructionsKey))
        setInstructions(settings.value(kInstructionsKey).toStringList());
    if (settings.contains(kCandidatesKey))
        setCandidates(settings.value(kCandidatesKey).toStringList());
    // A photo moved or deleted since is not offered as if it were there.
    const QString image = settings.value(kImageKey).toString();
    if (!image.isEmpty() && QFileInfo::exists(image))
        setImagePath(image);
    restoring_ = false;
}

void ExperimentPanel::inputsChanged() {
    ++inputsVersion_;
    if (!restoring_) {
        QSettings settings;
        settings.setValue(kImageKey, imagePath_);
        settings.setValue(kInstructionsKey, instructions());
        settings.setValue(kCandidatesKey, candidates());
    }
    if (heatmap_ && !heatmap_->matrix().isEmpty()) {
        heatmap_->setMatrix({});
        status_->setText(tr("The inputs changed: Compute shows their matrix."));
    }
    updateActions();
}

void ExperimentPanel::offerPhoto(const QString& path) {
    offeredPhoto_ = path;
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
    inputsChanged();
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

QString ExperimentPanel::missingForCompute() const {
    if (watcher_.isRunning())
        return tr("Computing…");
    QStringList missing;
    if (!runner_)
        missing << tr("a model (see Settings)");
    if (imagePath_.isEmpty())
        missing << tr("an image (drop one, choose one, or use the photo selected in the grid)");
    if (instructions().isEmpty())
        missing << tr("an instruction");
    if (candidates().isEmpty())
        missing << tr("a candidate text");
    return missing.isEmpty() ? QString()
                             : tr("Compute needs %1.").arg(missing.join(QStringLiteral(", ")));
}

void ExperimentPanel::updateActions() {
    if (!computeButton_ || !computeHint_)
        return;
    const QString missing = missingForCompute();
    computeButton_->setEnabled(missing.isEmpty());
    computeButton_->setToolTip(missing);
    computeHint_->setText(watcher_.isRunning() ? QString() : missing);
    useSelected_->setEnabled(!offeredPhoto_.isEmpty() && offeredPhoto_ != imagePath_);
    useSelected_->setToolTip(offeredPhoto_.isEmpty() ? tr("Select a photo in the grid first")
                                                     : QDir::toNativeSeparators(offeredPhoto_));
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
    computedVersion_ = inputsVersion_;
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
    if (computedVersion_ != inputsVersion_) {
        // Edited while it ran: the matrix answers inputs no longer shown.
        status_->setText(tr("The inputs changed while computing: Compute shows their matrix."));
    } else if (!outcome.error.isEmpty()) {
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

QImage ExperimentPanel::captionedHeatmap() const {
    const QImage matrix = heatmap_->toImage();
    const QFontMetrics metrics(font());
    const int captionHeight = metrics.height() + 16;
    QImage image(matrix.width(), matrix.height() + captionHeight, matrix.format());
    image.fill(palette().color(QPalette::Window));
    QPainter painter(&image);
    painter.setFont(font());
    painter.setPen(palette().color(QPalette::WindowText));
    // The file on its own says which photo the numbers are about.
    const QString caption = tr("Image: %1").arg(QFileInfo(imagePath_).fileName());
    painter.drawText(QRect(12, 0, image.width() - 24, captionHeight),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(caption, Qt::ElideMiddle, image.width() - 24));
    painter.drawImage(0, captionHeight, matrix);
    return image;
}

bool ExperimentPanel::exportPng(const QString& file) const {
    if (heatmap_->matrix().isEmpty())
        return false;
    return captionedHeatmap().save(file, "PNG");
}

QString ExperimentPanel::suggestedFileName(const QString& extension) const {
    const QString image = QFileInfo(imagePath_).completeBaseName();
    const QString name =
        image.isEmpty() ? QStringLiteral("experiment") : QStringLiteral("experiment-") + image;
    return name + QLatin1Char('.') + extension;
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
