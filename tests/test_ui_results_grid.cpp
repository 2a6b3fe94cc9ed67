// The results grid: the model passes Qt's model checks, thumbnails are made off the GUI thread
// with EXIF orientation and cached on disk by path + mtime + size, and 10,000 tiles lay out.
#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImageWriter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "ui/result_tile_delegate.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/thumbnail_provider.h"

using abc::ui::PhotoHit;
using abc::ui::PhotoHits;
using abc::ui::ResultsModel;
using abc::ui::ThumbnailProvider;

namespace {

const QString kImages = QStringLiteral(ABC_REFERENCE_DIR "/images");

PhotoHits manyHits(int count) {
    PhotoHits hits;
    for (int i = 0; i < count; ++i) {
        hits.append({QStringLiteral("/nonexistent/photo_%1.jpg").arg(i), 1.0f - i * 1e-4f});
    }
    return hits;
}

}  // namespace

class TestUiResultsGrid : public QObject {
    Q_OBJECT

  private slots:
    void theDiskCacheIsTheApplicationsOwnFolder() {
        // As the application names itself: the cache is ~/.cache/abc-photos/thumbnails, not a
        // folder per organisation and application name.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("abc-photos"));
        QCoreApplication::setApplicationName(QStringLiteral("abc-photos"));
        const ThumbnailProvider thumbnails;
        QCOMPARE(thumbnails.cacheDir(),
                 QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                     QStringLiteral("/abc-photos/thumbnails"));
    }

    void modelPassesModelTesterAndResets() {
        QTemporaryDir cache;
        ThumbnailProvider thumbnails(64, cache.path());
        ResultsModel model(&thumbnails);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setHits(manyHits(10000));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 10000);
        QCOMPARE(model.data(model.index(3), ResultsModel::PathRole).toString(),
                 QStringLiteral("/nonexistent/photo_3.jpg"));
        QCOMPARE(model.data(model.index(3), Qt::DisplayRole).toString(),
                 QStringLiteral("photo_3.jpg"));
        QVERIFY(qAbs(model.data(model.index(2), ResultsModel::ScoreRole).toFloat() - 0.9998f) <
                1e-6f);
        QVERIFY(model.data(model.index(0), Qt::AccessibleTextRole).toString().contains("score"));
        QVERIFY(!model.data(model.index(10000), Qt::DisplayRole).isValid());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(resets.count(), 2);
    }

    void thumbnailArrivesOffTheGuiThreadAndIsCached() {
        QTemporaryDir cache;
        const QString photo = kImages + QStringLiteral("/dog_and_cat.jpg");
        ThumbnailProvider thumbnails(128, cache.path());
        ResultsModel model(&thumbnails);
        model.setHits({{photo, 0.5f}});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.data(model.index(0), ResultsModel::ThumbnailRole).value<QPixmap>().isNull());
        QVERIFY(changed.wait(10000));
        QCOMPARE(changed.first().at(2).value<QList<int>>(),
                 QList<int>{ResultsModel::ThumbnailRole});
        const auto pixmap =
            model.data(model.index(0), ResultsModel::ThumbnailRole).value<QPixmap>();
        QCOMPARE(pixmap.size(), QSize(128, 85));  // 612x408 fitted into 128
        const QString cached =
            cache.path() + QLatin1Char('/') + ThumbnailProvider::cacheKey(QFileInfo(photo), 128);
        QVERIFY2(QFileInfo::exists(cached), qPrintable(cached));
        QCOMPARE(QImage(cached).size(), QSize(128, 85));
        // A different edge is a different cache entry.
        QVERIFY(ThumbnailProvider::cacheKey(QFileInfo(photo), 64) !=
                ThumbnailProvider::cacheKey(QFileInfo(photo), 128));
    }

    void cacheKeyChangesWhenTheFileChanges() {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("a.png"));
        QImage image(30, 20, QImage::Format_RGB32);
        image.fill(Qt::red);
        QVERIFY(image.save(file));
        const QString before = ThumbnailProvider::cacheKey(QFileInfo(file), 64);
        QTest::qWait(20);  // mtime resolution
        image = QImage(31, 20, QImage::Format_RGB32);
        image.fill(Qt::blue);
        QVERIFY(image.save(file));
        QCOMPARE_NE(ThumbnailProvider::cacheKey(QFileInfo(file), 64), before);
    }

    void exifOrientationIsApplied() {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("rotated.jpg"));
        QImage landscape(80, 40, QImage::Format_RGB32);
        landscape.fill(Qt::green);
        QImageWriter writer(file, "jpg");
        writer.setTransformation(QImageIOHandler::TransformationRotate90);  // EXIF orientation 6
        QVERIFY2(writer.write(landscape), qPrintable(writer.errorString()));
        const QImage thumbnail = ThumbnailProvider::loadOrCreate(file, 64, dir.filePath("cache"));
        QCOMPARE(thumbnail.size(), QSize(32, 64));  // shown upright: portrait
    }

    void unreadableFileFailsWithoutRetrying() {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("broken.jpg"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("not a jpeg");
        out.close();
        ThumbnailProvider thumbnails(64, dir.filePath(QStringLiteral("cache")));
        QSignalSpy failed(&thumbnails, &ThumbnailProvider::thumbnailFailed);
        QVERIFY(thumbnails.thumbnail(file).isNull());
        QVERIFY(failed.wait(5000));
        QVERIFY(thumbnails.thumbnail(file).isNull());
        thumbnails.waitForDone();
        QTest::qWait(50);
        QCOMPARE(failed.count(), 1);  // not scheduled again
    }

    void tenThousandTilesLayOutAndScroll() {
        QTemporaryDir cache;
        ThumbnailProvider thumbnails(64, cache.path());
        ResultsModel model(&thumbnails);
        abc::ui::ResultsView view;
        view.setItemDelegate(new abc::ui::ResultTileDelegate(120, &view));
        view.setModel(&model);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy painted(&view, &abc::ui::ResultsView::resultsPainted);
        QElapsedTimer timer;
        timer.start();
        model.setHits(manyHits(10000));
        view.expectPaint();
        view.viewport()->update();
        QVERIFY(painted.wait(5000));
        const double fillMs = timer.nsecsElapsed() / 1e6;
        timer.start();
        view.scrollToBottom();
        view.viewport()->repaint();
        const double scrollMs = timer.nsecsElapsed() / 1e6;
        qInfo("10,000 tiles: fill + first paint %.1f ms, jump to the end + repaint %.1f ms", fillMs,
              scrollMs);
        QVERIFY(view.indexAt(view.viewport()->rect().center()).row() > 9000);
    }
};

QTEST_MAIN(TestUiResultsGrid)
#include "test_ui_results_grid.moc"
