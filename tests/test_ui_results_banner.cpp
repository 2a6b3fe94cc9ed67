// The search bar and the banner over the grid always say what the grid shows: a text search,
// "find similar" (the bar then holds the photo, and Enter runs that search again, not a stale
// text), and a failed search, whose error is shown in the banner while the previous results
// leave the grid instead of passing for the answer. Real SQLite library, real widgets.
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kPhotos = 8;

}  // namespace

class TestUiResultsBanner : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-results-banner-test"));
        QVERIFY(work_.isValid());
        library_ = abc::test::makeUiPhotoLibrary(QDir(work_.filePath("photos")).absolutePath(),
                                                 work_.filePath("library.sqlite3"), kPhotos);
    }

    void theBarAndTheBannerSayWhatTheGridShows() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        auto* banner = findNamed<QLabel>(window, QStringLiteral("resultsBanner"));
        auto* bar = findNamed<QLineEdit>(window, QStringLiteral("searchBar"));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->text(),
                 QStringLiteral("Results for \u201ca photo\u201d · %1 photos").arg(kPhotos));

        // Find similar: the bar holds the photo, the banner names it.
        const QString photo = library_.paths.at(2);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        window.findSimilar(photo);
        QVERIFY(shown.wait(abc::test::kWindowWaitMs));
        QCOMPARE(window.resultsModel()->hit(0).path, photo);
        QCOMPARE(banner->text(),
                 QStringLiteral("Similar to photo_002.png · %1 photos").arg(kPhotos));
        QCOMPARE(bar->text(), QStringLiteral("image:\"%1\"").arg(photo));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("similar_banner")));

        // Enter on the bar as it is runs that search again.
        shown.clear();
        QTest::keyClick(bar, Qt::Key_Return);
        QVERIFY(shown.wait(abc::test::kWindowWaitMs));
        QCOMPARE(banner->text(),
                 QStringLiteral("Similar to photo_002.png · %1 photos").arg(kPhotos));
        QCOMPARE(window.resultsModel()->hit(0).path, photo);
        QCOMPARE(window.resultsModel()->rowCount(), kPhotos);
    }

    void aFailedSearchIsShownAndLeavesNoStaleResults() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        auto* banner = findNamed<QLabel>(window, QStringLiteral("resultsBanner"));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);

        const QString missing = work_.filePath(QStringLiteral("gone.jpg"));
        QSignalSpy failed(&window, &MainWindow::searchFailed);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("image:\"%1\"").arg(missing)), -1);
        QCOMPARE(failed.size(), 1);
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().startsWith(QStringLiteral("Search failed: ")),
                 qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QStringLiteral("gone.jpg")), qPrintable(banner->text()));
        QVERIFY(banner->property("failed").toBool());
        QCOMPARE(window.resultsModel()->rowCount(), 0);
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("search_failed")));
        // The query stays where the person typed it, to correct it.
        QCOMPARE(findNamed<QLineEdit>(window, QStringLiteral("searchBar"))->text(),
                 QStringLiteral("image:\"%1\"").arg(missing));

        // The next search that works says so again.
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        QVERIFY(!banner->property("failed").toBool());
        QCOMPARE(banner->text(),
                 QStringLiteral("Results for \u201ca photo\u201d · %1 photos").arg(kPhotos));
    }

    void cleanupTestCase() { library_.session.reset(); }
};

QTEST_MAIN(TestUiResultsBanner)
#include "test_ui_results_banner.moc"
