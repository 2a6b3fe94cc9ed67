// Writes the files the library tests index: raw bytes, stand-in photos for the fake decoder
// and small distinct real images. Each one stops the test run (qFatal) if it cannot write,
// so a test never goes on with a library that silently misses a photo.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QString>
#include <QtGlobal>

namespace abc::test {

// JPEG's first bytes: the scanner takes a file for a photo by them, whatever follows.
inline const QByteArray kJpegMagic = QByteArray::fromHex("ffd8ffe0");

// `bytes` as the file at `path`, making its folders.
inline void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
}

// A file the scanner takes for a JPEG; FakeDecoder "decodes" it by its `body` (and fails it
// when the body contains "CORRUPT").
inline void writePhoto(const QString& path, const QByteArray& body) {
    writeFile(path, kJpegMagic + body);
}

// A small picture of its own for each seed; the preprocessor scales it to ABC's 256-token
// minimum.
inline QImage patternImage(int seed) {
    QImage image(56, 42, QImage::Format_RGB888);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            image.setPixel(x, y,
                           qRgb((x * (seed + 3) + y) % 256, (y * 7 + seed * 40) % 256,
                                (x * y + seed * 13) % 256));
        }
    }
    return image;
}

inline void saveImage(const QImage& image, const QString& path, const char* format = nullptr) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!image.save(path, format)) {
        qFatal("cannot write %s", qPrintable(path));
    }
}

// patternImage(seed) as a file of `format`.
inline void writeImage(const QString& path, int seed, const char* format = "PNG") {
    saveImage(patternImage(seed), path, format);
}

// photo<seed>.png for seeds first .. first + count - 1, each its own picture (patternImage
// repeats from seed 256 on, so seeds stay below it).
inline void writePatternPhotos(const QString& folder, int first, int count) {
    if (first < 0 || first + count > 256) {
        qFatal("pattern photo seeds %d..%d repeat past 255", first, first + count - 1);
    }
    for (int seed = first; seed < first + count; ++seed) {
        writeImage(folder + QString("/photo%1.png").arg(seed, 3, 10, QChar('0')), seed);
    }
}

inline void copyFile(const QString& from, const QString& to) {
    QDir().mkpath(QFileInfo(to).absolutePath());
    if (!QFile::copy(from, to)) {
        qFatal("cannot copy %s to %s", qPrintable(from), qPrintable(to));
    }
}

}  // namespace abc::test
