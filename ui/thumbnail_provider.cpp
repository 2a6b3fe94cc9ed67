#include "ui/thumbnail_provider.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>

#include "ui/photo_decoder.h"

namespace abc::ui {

namespace {

constexpr int kMemoryBudgetKiB = 96 * 1024;

// ~/.cache/abc-photos/thumbnails (under XDG_CACHE_HOME when set): one folder a person can
// find and clear, whatever organisation and application names Qt would nest it under.
QString defaultCacheDir() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/abc-photos/thumbnails");
}

}  // namespace

ThumbnailProvider::ThumbnailProvider(int edge, QString cacheDir, QObject* parent)
    : QObject(parent),
      edge_(edge),
      cacheDir_(cacheDir.isEmpty() ? defaultCacheDir() : std::move(cacheDir)) {
    // Two decoders keep the GUI thread and the indexer's model thread fed on small machines.
    pool_.setMaxThreadCount(qBound(1, QThread::idealThreadCount() / 2, 4));
    memory_.setMaxCost(kMemoryBudgetKiB);
}

ThumbnailProvider::~ThumbnailProvider() {
    pool_.clear();
    pool_.waitForDone();
}

QString ThumbnailProvider::cacheKey(const QFileInfo& file, int edge) {
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(file.absoluteFilePath().toUtf8());
    hash.addData(QByteArray::number(file.lastModified().toMSecsSinceEpoch()));
    hash.addData(QByteArray::number(file.size()));
    hash.addData(QByteArray::number(edge));
    return QString::fromLatin1(hash.result().toHex()) + QStringLiteral(".jpg");
}

QImage ThumbnailProvider::loadOrCreate(const QString& path, int edge, const QString& cacheDir) {
    const QFileInfo info(path);
    if (!info.isFile())
        return {};
    const QString cached = cacheDir + QLatin1Char('/') + cacheKey(info, edge);
    if (QFileInfo::exists(cached)) {
        QImage image(cached);
        if (!image.isNull())
            return image;
    }
    QImage image = decodePhotoForDisplay(path, edge).image;
    if (image.isNull())
        return {};
    if (QDir().mkpath(cacheDir)) {
        // A partly written file must never be read back as a thumbnail.
        QSaveFile file(cached);
        if (file.open(QIODevice::WriteOnly)) {
            QImageWriter writer(&file, "jpg");
            writer.setQuality(85);
            if (writer.write(image.convertToFormat(QImage::Format_RGB32)))
                file.commit();
        }
    }
    return image;
}

QPixmap ThumbnailProvider::thumbnail(const QString& path) {
    if (const QPixmap* hit = memory_.object(path))
        return *hit;
    if (pending_.contains(path) || failed_.contains(path))
        return {};
    pending_.insert(path);
    const int edge = edge_;
    const QString dir = cacheDir_;
    pool_.start(
        [this, path, edge, dir] {
            const QImage image = loadOrCreate(path, edge, dir);
            QMetaObject::invokeMethod(
                this, [this, path, image] { deliver(path, image); }, Qt::QueuedConnection);
        },
        ++nextPriority_);
    return {};
}

void ThumbnailProvider::deliver(const QString& path, const QImage& image) {
    pending_.remove(path);
    if (image.isNull()) {
        failed_.insert(path);
        emit thumbnailFailed(path);
        return;
    }
    auto* pixmap = new QPixmap(QPixmap::fromImage(image));
    const int costKiB = qMax(1, pixmap->width() * pixmap->height() * 4 / 1024);
    memory_.insert(path, pixmap, costKiB);
    emit thumbnailReady(path);
}

void ThumbnailProvider::cancelPending() {
    pool_.clear();
    pending_.clear();
}

void ThumbnailProvider::waitForDone() {
    pool_.waitForDone();
}

}  // namespace abc::ui
