// The sidebar, the status bar and the banner over the grid give one number for one state, in
// words a person reads ("7 photos"): a copy of a photo counts once, as the grid shows it once,
// and a photo not indexed yet counts as a photo. Timings go to the status bar's tooltip. With
// no query the photos come by date taken, and the sort box offers no "Best match". The offer
// to resume indexing and the Remove-folder confirmation count photos the same way.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/app_settings.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::MainWindow;
using abc::ui::ResultsModel;

namespace {

constexpr int kIndexed = 6;

abc::PhotoFacts factsOf(const QString& hash) {
    abc::PhotoFacts facts;
    facts.contentHash = hash.toStdString();
    facts.mediaType = "png";
    facts.width = 96;
    facts.height = 72;
    return facts;
}

}  // namespace

class TestUiPhotoCounts : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-photo-counts-test"));
        // The photo left unindexed on purpose must stay so while the counts are read.
        AppSettings settings = AppSettings::load();
        settings.resumeIndexingAtStart = false;
        settings.save();
        QVERIFY(work_.isValid());
        const QString folder = QDir(work_.filePath("photos")).absolutePath();
        library_ =
            abc::test::makeUiPhotoLibrary(folder, work_.filePath("library.sqlite3"), kIndexed);
        abc::LibraryStore& store = *library_.session->store;
        // A copy of the first photo (the same content: one photo, two files) ...
        const QString copy = folder + "/copy_of_photo_000.png";
        QVERIFY(QFile::copy(library_.paths.first(), copy));
        store.recordFile(abc::test::photoFileOf(copy),
                         factsOf(QStringLiteral("%1").arg(1, 32, 16, QChar('0'))));
        // ... and a photo found but not indexed yet.
        const QString fresh = folder + "/not_indexed_yet.png";
        QImage image(96, 72, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        abc::test::saveImage(image, fresh);
        store.recordFile(abc::test::photoFileOf(fresh), factsOf(QStringLiteral("f").repeated(32)));
        // A copy of that one too: two files, still one photo to index.
        const QString freshCopy = folder + "/not_indexed_yet_copy.png";
        QVERIFY(QFile::copy(fresh, freshCopy));
        store.recordFile(abc::test::photoFileOf(freshCopy),
                         factsOf(QStringLiteral("f").repeated(32)));
    }

    void sidebarStatusBarAndBannerAgree() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        const int photos = kIndexed + 1;
        const QString count = QStringLiteral("%1 photos").arg(photos);
        QCOMPARE(window.statusText(), QStringLiteral("Ready: %1 in the library").arg(count));
        auto* folders = findNamed<QListWidget>(window, "folderList");
        QTRY_COMPARE(folders->count(), 1);
        QTRY_VERIFY2(folders->item(0)->text().endsWith(
                         QStringLiteral("%1 of %2 indexed").arg(kIndexed).arg(count)),
                     qPrintable(folders->item(0)->text()));

        // Every photo, without a query: the same number on the grid, the banner and the status.
        QCOMPARE(abc::test::searchFromBar(window, QString()), photos);
        QCOMPARE(window.resultsModel()->rowCount(), photos);
        auto* banner = findNamed<QLabel>(window, "resultsBanner");
        QCOMPARE(banner->text(), QStringLiteral("All photos, newest first · %1").arg(count));
        QCOMPARE(window.statusText(), count);
        auto* status = findNamed<QLabel>(window, "statusText");
        QVERIFY2(status->toolTip().contains(QStringLiteral(" ms")), qPrintable(status->toolTip()));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("photo_counts_browse")));

        // A search ranks the indexed photos, the copy once.
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kIndexed);
        QCOMPARE(banner->text(),
                 QStringLiteral("Results for \u201ca photo\u201d · %1 photos").arg(kIndexed));
        QCOMPARE(window.statusText(), QStringLiteral("%1 photos").arg(kIndexed));
        QVERIFY2(!window.statusText().contains(QStringLiteral("ms")),
                 qPrintable(window.statusText()));
        QVERIFY2(status->toolTip().contains(QStringLiteral("ranking")),
                 qPrintable(status->toolTip()));
    }

    void resumingAndRemovingCountPhotosAsTheSidebarDoes() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        auto* offer = findNamed<QLabel>(window, "resumeIndexingText");
        QTRY_VERIFY(offer->isVisible());
        QVERIFY2(offer->text().startsWith(QStringLiteral("1 photo is not indexed yet")),
                 qPrintable(offer->text()));

        auto* panel = findNamed<abc::ui::FoldersPanel>(window, "foldersPanel");
        QTRY_COMPARE(panel->list()->count(), 1);
        panel->list()->setCurrentRow(0);
        QTest::mouseClick(findNamed<QPushButton>(*panel, "removeFolder"), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>("removeFolderConfirmation")) != nullptr);
        const QString said = box->informativeText();
        QVERIFY2(said.contains(QStringLiteral("forgets its %1 photos").arg(kIndexed + 1)),
                 qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("vectors computed for %1 of them").arg(kIndexed)),
                 qPrintable(said));
        QVERIFY2(!said.contains(QStringLiteral("(s)")), qPrintable(said));
        findNamed<QPushButton>(*box, "keepFolder")->click();
        QTRY_VERIFY(window.findChild<QMessageBox*>("removeFolderConfirmation") == nullptr);
        QCOMPARE(library_.session->store->folders().size(), std::size_t{1});
    }

    void browsingOffersOnlyTheOrdersThatApply() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        auto* order = findNamed<QComboBox>(window, "sortOrder");
        const int score = static_cast<int>(ResultsModel::Order::Score);
        QVERIFY(order->findData(score) >= 0);

        QCOMPARE(abc::test::searchFromBar(window, QString()), kIndexed + 1);
        QCOMPARE(order->findData(score), -1);
        QCOMPARE(order->currentData().toInt(), static_cast<int>(ResultsModel::Order::TakenDate));
        QCOMPARE(window.resultsModel()->order(), ResultsModel::Order::TakenDate);

        // A query brings "Best match" back, as the order the person had.
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kIndexed);
        QVERIFY(order->findData(score) >= 0);
        QCOMPARE(order->currentData().toInt(), score);
        QCOMPARE(window.resultsModel()->order(), ResultsModel::Order::Score);

        // An order chosen while browsing holds for the next query.
        QCOMPARE(abc::test::searchFromBar(window, QString()), kIndexed + 1);
        order->setCurrentIndex(order->findData(static_cast<int>(ResultsModel::Order::Name)));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kIndexed);
        QCOMPARE(order->currentData().toInt(), static_cast<int>(ResultsModel::Order::Name));
    }

    void cleanupTestCase() { library_.session.reset(); }
};

QTEST_MAIN(TestUiPhotoCounts)
#include "test_ui_photo_counts.moc"
