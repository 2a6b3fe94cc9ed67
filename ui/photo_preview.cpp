#include "ui/photo_preview.h"

#include <QFileInfo>
#include <QKeyEvent>
#include <QLabel>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "ui/photo_decoder.h"

namespace abc::ui {

QFuture<QImage> loadPreviewAsync(const QString& path, int edge) {
    return QtConcurrent::run([path, edge] { return decodePhotoForDisplay(path, edge).image; });
}

PhotoPreview::PhotoPreview(const QString& path, QWidget* parent) : QDialog(parent) {
    setWindowTitle(QFileInfo(path).fileName());
    setAccessibleName(tr("Preview of %1").arg(QFileInfo(path).fileName()));
    image_ = new QLabel(tr("Loading…"), this);
    image_->setAlignment(Qt::AlignCenter);
    image_->setMinimumSize(320, 240);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(image_);
    connect(&watcher_, &QFutureWatcher<QImage>::finished, this, [this] {
        loaded_ = watcher_.result();
        if (loaded_.isNull())
            image_->setText(tr("This photo cannot be shown"));
        showImage();
    });
    watcher_.setFuture(loadPreviewAsync(path, 2048));
    resize(1000, 750);
}

PhotoPreview::~PhotoPreview() {
    watcher_.waitForFinished();
}

void PhotoPreview::showImage() {
    if (loaded_.isNull())
        return;
    image_->setPixmap(QPixmap::fromImage(
        loaded_.scaled(image_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void PhotoPreview::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space) {
        accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

void PhotoPreview::resizeEvent(QResizeEvent* event) {
    QDialog::resizeEvent(event);
    showImage();
}

}  // namespace abc::ui
