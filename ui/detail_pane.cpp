#include "ui/detail_pane.h"

#include <QClipboard>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

#include "ui/photo_preview.h"
#include "ui/readable_colour.h"

namespace abc::ui {

DetailPane::DetailPane(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("detailPane"));
    setAccessibleName(tr("Photo details"));
    auto* layout = new QVBoxLayout(this);
    preview_ = new QLabel(this);
    preview_->setObjectName(QStringLiteral("detailPreview"));
    preview_->setAccessibleName(tr("Large preview"));
    preview_->setAlignment(Qt::AlignCenter);
    preview_->setMinimumSize(260, 200);
    // The photo fits the pane, never the other way round: a wide panorama must not widen the
    // dock and squeeze the grid.
    preview_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    preview_->installEventFilter(this);
    layout->addWidget(preview_, 1);
    name_ = new QLabel(this);
    QFont bold = name_->font();
    bold.setBold(true);
    name_->setFont(bold);
    name_->setWordWrap(true);
    name_->setAccessibleName(tr("File name"));
    layout->addWidget(name_);
    info_ = new QLabel(this);
    info_->setObjectName(QStringLiteral("detailInfo"));
    info_->setWordWrap(true);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info_->setAccessibleName(tr("Path, size, date and score"));
    layout->addWidget(info_);
    tags_ = new QLabel(this);
    tags_->setObjectName(QStringLiteral("detailTags"));
    tags_->setWordWrap(true);
    tags_->setTextFormat(Qt::PlainText);
    tags_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tags_->setAccessibleName(tr("Tags"));
    layout->addWidget(tags_);

    auto* buttons = new QGridLayout;
    const auto addAction = [&](const QString& text, const QString& name, int row, int column,
                               auto slot) {
        auto* button = new QPushButton(text, this);
        button->setObjectName(name);
        button->setAccessibleName(QString(text).remove(QLatin1Char('&')));
        connect(button, &QPushButton::clicked, this, slot);
        buttons->addWidget(button, row, column);
        actions_ << button;
    };
    addAction(tr("Find &similar"), QStringLiteral("findSimilar"), 0, 0,
              [this] { emit findSimilarRequested(path_); });
    addAction(tr("&Open"), QStringLiteral("openPhoto"), 0, 1,
              &DetailPane::openWithDefaultApplication);
    addAction(tr("Show in &folder"), QStringLiteral("revealPhoto"), 1, 0,
              &DetailPane::showInFolder);
    addAction(tr("Copy &path"), QStringLiteral("copyPath"), 1, 1, &DetailPane::copyPath);
    layout->addLayout(buttons);
    feedback_ = new QLabel(this);
    feedback_->setObjectName(QStringLiteral("photoActionFeedback"));
    feedback_->setAccessibleName(tr("What the last action did"));
    feedback_->setTextFormat(Qt::PlainText);
    feedback_->setWordWrap(true);
    feedback_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(feedback_);

    connect(&watcher_, &QFutureWatcher<QImage>::finished, this, [this] {
        previewImage_ = watcher_.result();
        if (previewImage_.isNull()) {
            preview_->setText(tr("This photo cannot be shown"));
        } else {
            fitPreview();
        }
    });
    connect(&dateWatcher_, &QFutureWatcher<TakenDate>::finished, this, [this] {
        const TakenDate answer = dateWatcher_.result();
        if (answer.path == path_)  // not a photo selected before this one
            showDate(answer.takenAt);
    });
    clear();
}

DetailPane::~DetailPane() {
    watcher_.waitForFinished();
    dateWatcher_.waitForFinished();
}

QString DetailPane::tagsText() const {
    return tags_->text();
}

void DetailPane::setTakenDateLookup(TakenDateLookup lookup) {
    takenDate_ = std::move(lookup);
}

bool DetailPane::eventFilter(QObject* watched, QEvent* event) {
    if (watched == preview_ && event->type() == QEvent::Resize)
        fitPreview();
    return QWidget::eventFilter(watched, event);
}

void DetailPane::fitPreview() {
    if (previewImage_.isNull())
        return;
    const QSize room = preview_->contentsRect().size();
    const QSize fitted = previewImage_.size().boundedTo(
        previewImage_.size().scaled(room, Qt::KeepAspectRatio));  // never enlarged
    if (!preview_->pixmap().isNull() && preview_->pixmap().size() == fitted)
        return;
    preview_->setPixmap(QPixmap::fromImage(
        previewImage_.scaled(fitted, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void DetailPane::clear() {
    path_.clear();
    previewImage_ = {};
    preview_->setPixmap({});
    preview_->setText(tr("Select a photo to see it here"));
    name_->clear();
    info_->clear();
    info_->setToolTip({});
    tags_->clear();
    tags_->hide();
    sizeText_.clear();
    dateText_.clear();
    tell({}, false);
    for (auto* button : actions_)
        button->setEnabled(false);
}

void DetailPane::showHit(const PhotoHit& hit) {
    if (hit.path != path_)
        tell({}, false);
    path_ = hit.path;
    score_ = hit.score;
    tags_->clear();
    if (tagsLookup_) {
        try {
            const QStringList labels = tagsLookup_(hit.path);
            if (!labels.isEmpty())
                tags_->setText(tr("Tags: %1").arg(labels.join(QStringLiteral(", "))));
        } catch (const std::exception& error) {
            tags_->setText(tr("Tags cannot be read: %1").arg(QString::fromUtf8(error.what())));
        }
    }
    tags_->setVisible(!tags_->text().isEmpty());
    scored_ = hit.scored;
    const QFileInfo file(hit.path);
    name_->setText(file.fileName());
    sizeText_ = QLocale().formattedDataSize(file.size());
    if (takenDate_) {
        // Until the library answers (normally within milliseconds) the line says so, rather
        // than showing the file's date and then changing its meaning.
        dateText_ = tr("date taken: …");
        info_->setToolTip({});
        updateInfo();
        dateWatcher_.setFuture(
            QtConcurrent::run([lookup = takenDate_, path = hit.path]() -> TakenDate {
                try {
                    return {path, lookup(path)};
                } catch (const std::exception&) {
                    return {path, {}};  // a library being migrated: the file's date will do
                }
            }));
    } else {
        showDate({});
    }
    previewImage_ = {};
    preview_->setText(tr("Loading…"));
    for (auto* button : actions_)
        button->setEnabled(true);
    watcher_.setFuture(loadPreviewAsync(hit.path, 520));
}

void DetailPane::showDate(const QString& takenAt) {
    const QLocale locale;
    const QDateTime taken = QDateTime::fromString(takenAt, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (taken.isValid()) {
        dateText_ = tr("taken %1").arg(locale.toString(taken, QLocale::ShortFormat));
        info_->setToolTip(tr("Date taken, as the camera recorded it (EXIF DateTimeOriginal)"));
    } else if (!takenAt.isEmpty()) {
        dateText_ = tr("taken %1").arg(takenAt);  // recorded, but not a date Qt can read
        info_->setToolTip(tr("Date taken, as the camera recorded it (EXIF DateTimeOriginal)"));
    } else {
        dateText_ =
            tr("file modified %1")
                .arg(locale.toString(QFileInfo(path_).lastModified(), QLocale::ShortFormat));
        info_->setToolTip(
            tr("The photo records no date taken: this is when the file was last modified"));
    }
    updateInfo();
    emit dateShown(path_);
}

void DetailPane::updateInfo() {
    QString text = tr("%1\n%2 · %3")
                       .arg(QDir::toNativeSeparators(QFileInfo(path_).absoluteFilePath()),
                            sizeText_, dateText_);
    if (scored_)  // listed without a query (all photos), a photo has no score
        text += tr("\nscore %1").arg(score_, 0, 'f', 4);
    info_->setText(text);
}

QString DetailPane::infoText() const {
    return info_->text();
}

void DetailPane::tell(const QString& text, bool failed) {
    QPalette colours = palette();
    if (failed) {
        colours.setColor(QPalette::WindowText,
                         readableOn(QColor(0xc0, 0x1c, 0x28), colours.color(QPalette::Window)));
    }
    feedback_->setPalette(colours);
    feedback_->setProperty("failed", failed);
    feedback_->setText(text);
    feedback_->setVisible(!text.isEmpty());
}

bool DetailPane::stillThere() {
    if (QFileInfo::exists(path_))
        return true;
    tell(tr("%1 is no longer there: it was moved or deleted since it was indexed").arg(path_),
         true);
    return false;
}

void DetailPane::openWithDefaultApplication() {
    if (path_.isEmpty() || !stillThere())
        return;
    if (QDesktopServices::openUrl(QUrl::fromLocalFile(path_))) {
        tell(tr("Opened %1 in the default application").arg(QFileInfo(path_).fileName()), false);
    } else {
        tell(tr("No application is set up to open %1 files here; the file is %2")
                 .arg(QFileInfo(path_).suffix().toUpper(), path_),
             true);
    }
}

void DetailPane::showInFolder() {
    if (path_.isEmpty() || !stillThere())
        return;
    const QFileInfo file(path_);
    if (revealInFileManager(QUrl::fromLocalFile(file.absoluteFilePath()), fileManager_)) {
        tell(tr("Shown in %1").arg(file.absolutePath()), false);
    } else {
        tell(tr("No file manager could be opened; the folder is %1").arg(file.absolutePath()),
             true);
    }
}

void DetailPane::copyPath() {
    if (path_.isEmpty())
        return;
    QClipboard* clipboard = QGuiApplication::clipboard();
    clipboard->setText(path_);
    if (clipboard->text() == path_) {
        tell(tr("Copied the path: %1").arg(path_), false);
    } else {
        tell(tr("The clipboard did not take the path; it is %1").arg(path_), true);
    }
}

}  // namespace abc::ui
