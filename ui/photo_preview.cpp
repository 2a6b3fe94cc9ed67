#include "ui/photo_preview.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

#include "ui/photo_decoder.h"

namespace abc::ui {

namespace {

constexpr int kDecodedEdge = 2048;
constexpr double kZoomStep = 1.25;
constexpr double kLeastZoom = 0.05;
constexpr double kMostZoom = 8.0;

}  // namespace

QFuture<QImage> loadPreviewAsync(const QString& path, int edge) {
    return QtConcurrent::run([path, edge] { return decodePhotoForDisplay(path, edge).image; });
}

PhotoPreview::PhotoPreview(const QStringList& paths, int current, QWidget* parent)
    : QDialog(parent), paths_(paths) {
    setObjectName(QStringLiteral("photoPreview"));
    image_ = new QLabel(this);
    image_->setObjectName(QStringLiteral("previewImage"));
    image_->setAlignment(Qt::AlignCenter);
    scroll_ = new QScrollArea(this);
    scroll_->setObjectName(QStringLiteral("previewScroll"));
    scroll_->setAccessibleName(tr("The photo (scroll when zoomed in)"));
    scroll_->setAlignment(Qt::AlignCenter);
    scroll_->setWidget(image_);
    scroll_->setWidgetResizable(true);  // fitted until zoomed
    scroll_->setMinimumSize(320, 240);
    scroll_->setFrameShape(QFrame::NoFrame);

    const auto button = [this](const QString& name, const QString& text, const QString& tip) {
        auto* tool = new QToolButton(this);
        tool->setObjectName(name);
        tool->setText(text);
        tool->setToolTip(tip);
        tool->setAccessibleName(tip);
        tool->setAutoRaise(true);
        return tool;
    };
    previous_ = button(QStringLiteral("previousPhoto"), QStringLiteral("\u25C0"),
                       tr("Previous photo (Left)"));
    next_ = button(QStringLiteral("nextPhoto"), QStringLiteral("\u25B6"), tr("Next photo (Right)"));
    QToolButton* zoomOut =
        button(QStringLiteral("zoomOut"), QStringLiteral("\u2212"), tr("Zoom out (-)"));
    QToolButton* zoomIn = button(QStringLiteral("zoomIn"), QStringLiteral("+"), tr("Zoom in (+)"));
    QToolButton* fit = button(QStringLiteral("fitPhoto"), tr("Fit"), tr("Fit to the window (0)"));
    position_ = new QLabel(this);
    position_->setObjectName(QStringLiteral("previewPosition"));
    connect(previous_, &QToolButton::clicked, this, &PhotoPreview::showPrevious);
    connect(next_, &QToolButton::clicked, this, &PhotoPreview::showNext);
    connect(zoomIn, &QToolButton::clicked, this, &PhotoPreview::zoomIn);
    connect(zoomOut, &QToolButton::clicked, this, &PhotoPreview::zoomOut);
    connect(fit, &QToolButton::clicked, this, &PhotoPreview::fitToWindow);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 4, 6, 4);
    controls->addWidget(previous_);
    controls->addWidget(next_);
    controls->addWidget(position_, 1);
    controls->addWidget(zoomOut);
    controls->addWidget(zoomIn);
    controls->addWidget(fit);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(scroll_, 1);
    layout->addLayout(controls);

    connect(&watcher_, &QFutureWatcher<QImage>::finished, this, [this] {
        loaded_ = watcher_.result();
        if (loaded_.isNull()) {
            image_->setPixmap({});
            image_->setText(tr("This photo cannot be shown"));
            image_->adjustSize();
        }
        showImage();
        emit photoShown(path());
    });
    resize(1000, 750);
    load(std::clamp(current, 0, std::max(0, static_cast<int>(paths_.size()) - 1)));
}

PhotoPreview::~PhotoPreview() {
    watcher_.waitForFinished();
}

void PhotoPreview::load(int index) {
    if (index < 0 || index >= paths_.size())
        return;
    current_ = index;
    watcher_.waitForFinished();  // at most one decode at a time; a new photo replaces it
    loaded_ = QImage();
    const QString name = QFileInfo(path()).fileName();
    setWindowTitle(name);
    setAccessibleName(tr("Preview of %1").arg(name));
    image_->setPixmap({});
    image_->setText(tr("Loading…"));
    image_->adjustSize();
    updateControls();
    watcher_.setFuture(loadPreviewAsync(path(), kDecodedEdge));
}

void PhotoPreview::showPrevious() {
    if (current_ > 0)
        load(current_ - 1);
}

void PhotoPreview::showNext() {
    if (current_ + 1 < paths_.size())
        load(current_ + 1);
}

void PhotoPreview::zoomIn() {
    setZoom((zoom_ > 0 ? zoom_ : fittedScale()) * kZoomStep);
}

void PhotoPreview::zoomOut() {
    setZoom((zoom_ > 0 ? zoom_ : fittedScale()) / kZoomStep);
}

double PhotoPreview::fittedScale() const {
    if (loaded_.isNull())
        return 1.0;
    const QSize fitted = loaded_.size().scaled(scroll_->viewport()->size(), Qt::KeepAspectRatio);
    return fitted.width() / double(std::max(1, loaded_.width()));
}

void PhotoPreview::fitToWindow() {
    setZoom(0.0);
}

void PhotoPreview::setZoom(double zoom) {
    if (loaded_.isNull())
        return;
    // A small photo fitted to a large window is already enlarged: zooming goes on from there.
    const double fitted = fittedScale();
    zoom_ = zoom <= 0 ? 0.0
                      : std::clamp(zoom, std::min(kLeastZoom, fitted),
                                   std::max(kMostZoom, fitted * kMostZoom));
    scroll_->setWidgetResizable(zoom_ == 0.0);
    showImage();
    updateControls();
}

void PhotoPreview::showImage() {
    if (loaded_.isNull())
        return;
    // Fitted: the photo scaled into the window, never past its decoded size' worth of detail.
    const QSize fitted = loaded_.size().scaled(scroll_->viewport()->size(), Qt::KeepAspectRatio);
    const QSize size =
        zoom_ > 0 ? (QSizeF(loaded_.size()) * zoom_).toSize().expandedTo(QSize(1, 1)) : fitted;
    image_->setPixmap(
        QPixmap::fromImage(loaded_.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    if (zoom_ > 0)
        image_->resize(size);
}

void PhotoPreview::updateControls() {
    previous_->setEnabled(current_ > 0);
    next_->setEnabled(current_ + 1 < paths_.size());
    QString where =
        tr("%1 of %2: %3").arg(current_ + 1).arg(paths_.size()).arg(QFileInfo(path()).fileName());
    if (zoom_ > 0)
        where += tr(" · %1%").arg(qRound(zoom_ * 100));
    position_->setText(where);
}

void PhotoPreview::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Space:
            accept();
            return;
        case Qt::Key_Left:
        case Qt::Key_PageUp:
            showPrevious();
            return;
        case Qt::Key_Right:
        case Qt::Key_PageDown:
            showNext();
            return;
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomIn();
            return;
        case Qt::Key_Minus:
            zoomOut();
            return;
        case Qt::Key_0:
            fitToWindow();
            return;
        default:
            QDialog::keyPressEvent(event);
    }
}

void PhotoPreview::resizeEvent(QResizeEvent* event) {
    QDialog::resizeEvent(event);
    if (zoom_ == 0.0)
        showImage();
}

}  // namespace abc::ui
