// A library without photos says, where the photos would be, what to do first; once a folder
// of photos is indexed the grid is the grid again. Real SQLite library, real files, real
// widgets.
#include <QDir>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

class TestUiEmptyLibrary : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-empty-library-test"));
        QVERIFY(work_.isValid());
    }

    void aLibraryWithoutFoldersAsksForOne() {
        abc::ui::AppSettings settings;
        settings.libraryFile = work_.filePath("new.sqlite3");
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, abc::ui::EngineSession::openLibrary(settings)));
        auto* empty = findNamed<QLabel>(window, "emptyLibrary");
        QTRY_VERIFY_WITH_TIMEOUT(empty->isVisible(), abc::test::kWindowWaitMs);
        QVERIFY2(empty->text().contains(QStringLiteral("Add a folder of photos")),
                 qPrintable(empty->text()));
        QVERIFY2(empty->text().contains(QStringLiteral("drop one")), qPrintable(empty->text()));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("empty_library")));
    }

    void aLibraryWhoseFoldersHoldNothingYetSaysToLook() {
        // A library folder with nothing in it yet: no photos at all.
        const QString folder = QDir(work_.filePath("photos")).absolutePath();
        const auto library =
            abc::test::makeUiPhotoLibrary(folder, work_.filePath("library.sqlite3"), 0);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        auto* empty = findNamed<QLabel>(window, "emptyLibrary");
        QTRY_VERIFY_WITH_TIMEOUT(empty->isVisible(), abc::test::kWindowWaitMs);
        // The folder is there but holds nothing yet: looking in it again comes first.
        QVERIFY2(empty->text().contains(QStringLiteral("Look for photos now")),
                 qPrintable(empty->text()));
        QVERIFY2(empty->text().contains(QStringLiteral("add a folder of photos")),
                 qPrintable(empty->text()));

        abc::test::writeImage(folder + "/first.png", 1);
        abc::test::writeImage(folder + "/second.png", 2);
        QVERIFY(abc::test::indexAgain(window));
        QTRY_VERIFY_WITH_TIMEOUT(!empty->isVisible(), abc::test::kWindowWaitMs);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), 2);
        QVERIFY(!empty->isVisible());
    }
};

QTEST_MAIN(TestUiEmptyLibrary)
#include "test_ui_empty_library.moc"
