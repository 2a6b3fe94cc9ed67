#pragma once

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QString>
#include <QThreadPool>

class QFileInfo;

namespace abc::ui {

// Thumbnails for the results grid. Decoding and scaling run on a private thread pool, never on
// the GUI thread; finished thumbnails are written to a disk cache (keyed by path, mtime and
// size, so an edited photo gets a fresh one) and kept in a bounded in-memory cache.
class ThumbnailProvider : public QObject {
    Q_OBJECT

  public:
    // `cacheDir` empty: <XDG cache>/abc-photos/thumbnails. `edge`: the longest side of a
    // thumbnail.
    explicit ThumbnailProvider(int edge = 256, QString cacheDir = {}, QObject* parent = nullptr);
    ~ThumbnailProvider() override;

    int edge() const { return edge_; }
    const QString& cacheDir() const { return cacheDir_; }

    // The thumbnail if it is in memory; otherwise a null pixmap, and one is scheduled (the
    // newest request first, so the tiles on screen win over those scrolled past).
    QPixmap thumbnail(const QString& path);
    // Drops queued work that has not started (the results changed).
    void cancelPending();
    // Blocks until the pool is idle; for tests and shutdown.
    void waitForDone();

    // The disk cache file name for a photo: stable across runs, changes when the file does.
    static QString cacheKey(const QFileInfo& file, int edge);
    // Reads the cached thumbnail or decodes the photo with the library's decoder (every format
    // the library indexes, EXIF orientation applied, JPEGs scaled while decoding) and writes
    // the cache. Thread-safe; null on failure.
    static QImage loadOrCreate(const QString& path, int edge, const QString& cacheDir);

  signals:
    void thumbnailReady(const QString& path);
    void thumbnailFailed(const QString& path);

  private:
    void deliver(const QString& path, const QImage& image);

    int edge_;
    QString cacheDir_;
    QThreadPool pool_;
    QCache<QString, QPixmap> memory_;
    QSet<QString> pending_;
    QSet<QString> failed_;
    int nextPriority_ = 0;
};

}  // namespace abc::ui
