#pragma once
// A real SQLite library of small generated photos (real files, so thumbnails and previews
// decode) with vectors from the deterministic stand-in model of test_library_fakes.h, already
// "indexed": the window tests that are about widgets, not the model, start in a second.
#include <QColor>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QString>

#include "core/library/library_store.h"
#include "support/photo_files.h"
#include "test_library_fakes.h"
#include "ui/engine_session.h"

namespace abc::test {

// The file as the scanner records it: its size and modification time in nanoseconds.
inline PhotoFile photoFileOf(const QString& path) {
    const QFileInfo info(path);
    return {path.toStdString(), info.size(), info.lastModified().toMSecsSinceEpoch() * 1'000'000};
}

struct UiPhotoLibrary {
    std::shared_ptr<ui::EngineSession> session;
    QStringList paths;  // in the order they were recorded
};

// Copies of `photos` then `count` generated photos of distinct colours under `folder`, in a
// library at `libraryFile`. `takenAt`: the EXIF date recorded for each generated photo, in
// order ("YYYY-MM-DD HH:MM:SS"; "" or past the end: none).
inline UiPhotoLibrary makeUiPhotoLibrary(const QString& folder, const QString& libraryFile,
                                         int count, const QStringList& photos = {},
                                         const QStringList& takenAt = {}) {
    QDir().mkpath(folder);
    ui::AppSettings settings;
    settings.libraryFile = libraryFile;
    const auto library = ui::EngineSession::openLibrary(settings);
    auto embedder = std::make_shared<FakeEmbedder>(32);
    LibraryStore& store = *library->store;
    store.addFolder(folder.toStdString());
    const auto model = store.modelId(embedder->fingerprint(), embedder->dimension());
    UiPhotoLibrary out;
    std::vector<LibraryStore::VectorRow> rows;
    const auto record = [&](const QString& path, int i, const QString& date) {
        const QFileInfo info(path);
        const QImage image(path);
        const PhotoFile file = photoFileOf(path);
        PhotoFacts facts;
        facts.contentHash = QStringLiteral("%1").arg(i + 1, 32, 16, QChar('0')).toStdString();
        facts.mediaType = info.suffix().toLower() == QStringLiteral("png") ? "png" : "jpeg";
        facts.width = image.width();
        facts.height = image.height();
        if (!date.isEmpty())
            facts.takenAt = date.toStdString();
        rows.push_back(
            {store.recordFile(file, facts),
             seededUnitVector(static_cast<std::uint64_t>(i) + 7, embedder->dimension())});
        out.paths << path;
    };
    for (const QString& photo : photos) {
        const QString path = folder + "/" + QFileInfo(photo).fileName();
        copyFile(photo, path);
        record(path, static_cast<int>(out.paths.size()), {});
    }
    for (int i = 0; i < count; ++i) {
        const QString path =
            QStringLiteral("%1/photo_%2.png").arg(folder).arg(i, 3, 10, QChar('0'));
        QImage image(96, 72, QImage::Format_RGB32);
        image.fill(QColor::fromHsv((i * 37) % 360, 160, 120 + (i * 13) % 120));
        QPainter painter(&image);
        painter.setPen(Qt::white);
        painter.drawText(image.rect(), Qt::AlignCenter, QString::number(i));
        painter.end();
        saveImage(image, path);
        record(path, static_cast<int>(out.paths.size()), takenAt.value(i));
    }
    store.putVectors(model, "", rows);
    out.session = ui::EngineSession::withModel(*library, std::move(embedder));
    return out;
}

}  // namespace abc::test
