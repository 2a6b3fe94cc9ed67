// Every photo the library indexes is shown: the grid's thumbnails, the detail pane, the Space
// preview and the experiment panel decode with the library's own decoder, so a HEIC photo
// (which Qt cannot read without a plug-in) shows its picture, a CMYK JPEG and a 16-bit PNG show
// the pixels the model saw, and EXIF orientation is applied to PNGs as to JPEGs. Real widgets
// under the offscreen platform, a real SQLite library, real image files.
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "core/image/decode.h"
#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/experiment_panel.h"
#include "ui/main_window.h"
#include "ui/photo_decoder.h"
#include "ui/photo_preview.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/thumbnail_provider.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;
using abc::ui::ThumbnailProvider;

namespace {

const QString kImages = QStringLiteral(ABC_TEST_DATA_DIR "/image/");
const QString kHeic = kImages + QStringLiteral("gradient_160x120.heic");
const QString kHeicAsPng = kImages + QStringLiteral("gradient_160x120.png");
const QString kFixtures = kImages + QStringLiteral("fixtures/");

// Mean absolute difference per channel of two images of one size.
double meanDifference(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_RGB888);
    const QImage y = b.convertToFormat(QImage::Format_RGB888);
    double sum = 0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* p = x.constScanLine(row);
        const uchar* q = y.constScanLine(row);
        for (int i = 0; i < x.width() * 3; ++i)
            sum += std::abs(int(p[i]) - int(q[i]));
    }
    return sum / (double(x.width()) * x.height() * 3);
}

// The core decoder's pixels as a QImage: what the model embedded.
QImage libraryPixels(const QString& path) {
    const abc::DecodedImage decoded = abc::decodeImageFile(path.toStdString());
    QImage image(decoded.rgb.width, decoded.rgb.height, QImage::Format_RGB888);
    for (int y = 0; y < decoded.rgb.height; ++y)
        std::copy_n(decoded.rgb.row(y), decoded.rgb.rowBytes(), image.scanLine(y));
    return image;
}

}  // namespace

class TestUiPhotoDisplay : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-photo-display-test"));
        QVERIFY(work_.isValid());
    }

    void heicThumbnailShowsItsPicture() {
        const QImage thumbnail =
            ThumbnailProvider::loadOrCreate(kHeic, 64, work_.filePath(QStringLiteral("cache1")));
        QVERIFY2(!thumbnail.isNull(), "a HEIC photo got no thumbnail");
        QCOMPARE(thumbnail.size(), QSize(64, 48));
        const QImage png =
            QImage(kHeicAsPng).scaled(64, 48, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const double difference = meanDifference(thumbnail, png);
        QVERIFY2(difference < 6.0, qPrintable(QString::number(difference)));
        // Read back from the disk cache the second time, still the picture.
        const QImage cached =
            ThumbnailProvider::loadOrCreate(kHeic, 64, work_.filePath(QStringLiteral("cache1")));
        QCOMPARE(cached.size(), QSize(64, 48));
    }

    void previewDecodesHeic() {
        const QImage preview = abc::ui::loadPreviewAsync(kHeic, 100).result();
        QVERIFY2(!preview.isNull(), "the preview of a HEIC photo is empty");
        QCOMPARE(preview.size(), QSize(100, 75));
    }

    // What is shown is what the model saw: Pillow's CMYK formula, 16-bit colour reduced to its
    // high byte, EXIF orientation on a PNG.
    void shownPixelsAreTheLibraryDecodersPixels_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("cmyk jpeg") << kFixtures + "013_cmyk_28x28.jpg";
        QTest::newRow("16-bit png") << kFixtures + "022_rgb16_121x113.png";
        QTest::newRow("exif 6 png") << kFixtures + "exif_o6_61x85.png";
        QTest::newRow("exif 8 jpeg") << kFixtures + "exif_o8_31x63.jpg";
        QTest::newRow("heic") << kHeic;
    }
    void shownPixelsAreTheLibraryDecodersPixels() {
        QFETCH(QString, file);
        const QImage expected = libraryPixels(file);
        const QImage thumbnail =
            ThumbnailProvider::loadOrCreate(file, 1024, work_.filePath(QStringLiteral("cache2")));
        QCOMPARE(thumbnail.size(), expected.size());
        QCOMPARE(meanDifference(thumbnail, expected), 0.0);
    }

    void reducedJpegDecodeStillCoversTheEdge() {
        // 4000x21: libjpeg's 1/8 decode is 500 wide, more than the 256 asked for.
        const abc::ui::DisplayImage shown =
            abc::ui::decodePhotoForDisplay(kFixtures + "007_jpeg_4000x21.jpg", 256);
        QVERIFY(!shown.image.isNull());
        QCOMPARE(shown.image.width(), 256);
        QVERIFY(shown.image.height() >= 1);
    }

    void unreadableFileSaysWhy() {
        const QString broken = work_.filePath(QStringLiteral("broken.heic"));
        abc::test::writeFile(broken, QByteArray("\0\0\0\x18"
                                                "ftypheic",
                                                12) +
                                         "garbage");
        const abc::ui::DisplayImage shown = abc::ui::decodePhotoForDisplay(broken, 128);
        QVERIFY(shown.image.isNull());
        QVERIFY2(shown.error.contains(QStringLiteral("broken.heic")), qPrintable(shown.error));
    }

    // The window: the HEIC photo's tile, detail pane and experiment image all show a picture.
    void windowShowsHeicEverywhere() {
        const auto library = abc::test::makeUiPhotoLibrary(
            work_.filePath(QStringLiteral("photos")),
            work_.filePath(QStringLiteral("library.sqlite3")), 2, {kHeic});
        const QString heic = library.paths.first();
        MainWindow window;
        window.setSession(library.session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto& thumbnails = *findNamed<ThumbnailProvider>(window, "resultThumbnails");
        QSignalSpy failed(&thumbnails, &ThumbnailProvider::thumbnailFailed);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a photo"));
        window.runSearch();
        QVERIFY(shown.wait(30000));
        const auto hits = window.resultsModel()->hits();
        int row = -1;
        for (int i = 0; i < hits.size(); ++i) {
            if (hits[i].path == heic)
                row = i;
        }
        QVERIFY(row >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(!thumbnails.thumbnail(heic).isNull(), 10000);
        QVERIFY2(failed.isEmpty(), "a thumbnail failed");
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(row));
        auto* preview = findNamed<QLabel>(window, "detailPreview");
        QTRY_VERIFY_WITH_TIMEOUT(!preview->pixmap().isNull(), 10000);
        QVERIFY(!preview->text().contains(QStringLiteral("cannot")));

        auto* experiment = findNamed<abc::ui::ExperimentPanel>(window, "experimentPanel");
        QSignalSpy previewShown(experiment, &abc::ui::ExperimentPanel::previewShown);
        experiment->setImagePath(heic);
        QVERIFY(previewShown.wait(10000));
        auto* experimentImage = findNamed<QLabel>(window, "experimentImage");
        QVERIFY2(!experimentImage->pixmap().isNull(), qPrintable(experimentImage->text()));
        QCOMPARE(experimentImage->pixmap().size(), QSize(160, 120));
    }
};

QTEST_MAIN(TestUiPhotoDisplay)
#include "test_ui_photo_display.moc"
