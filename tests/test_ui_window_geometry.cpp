// The main window stays on the screen: on a 1280x800 laptop screen (with a 1920x1080 one to
// its right, tests/support/screens) no filter state widens it past the screen, Reset leaves it
// as it was, a geometry saved larger than the screen is restored inside it, and the Photo
// dock's buttons are shown whole. Real widgets on the offscreen platform; screenshots at both
// sizes go to ${ABC_BUILD_DIR}/screenshots.
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QGuiApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "support/ui_test_setup.h"
#include "ui/filter_bar.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::FilterBar;
using abc::ui::MainWindow;

namespace {

QString screenshotDir() {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

QScreen* screenNamed(const QString& name) {
    for (QScreen* screen : QGuiApplication::screens()) {
        if (screen->name() == name)
            return screen;
    }
    qFatal("no screen named %s", qPrintable(name));
    return nullptr;
}

QString describe(const QRect& rect) {
    return QStringLiteral("%1,%2 %3x%4")
        .arg(rect.x())
        .arg(rect.y())
        .arg(rect.width())
        .arg(rect.height());
}

// Whether the window and every button of the Photo dock are inside `screen`, whole.
void verifyOnScreen(const MainWindow& window, const QRect& screen) {
    QVERIFY2(screen.contains(window.frameGeometry()),
             qPrintable(describe(window.frameGeometry()) + " outside " + describe(screen)));
    QVERIFY2(window.minimumSizeHint().width() <= screen.width(),
             qPrintable(QString::number(window.minimumSizeHint().width())));
    const auto* dock = window.findChild<QDockWidget*>(QStringLiteral("detailDock"));
    for (const QPushButton* button : dock->findChildren<QPushButton*>()) {
        QVERIFY2(button->width() >= button->minimumSizeHint().width(),
                 qPrintable(button->objectName() + " clipped"));
        const QRect inWindow(button->mapTo(&window, QPoint(0, 0)), button->size());
        QVERIFY2(window.rect().contains(inWindow),
                 qPrintable(button->objectName() + " at " + describe(inWindow)));
    }
}

}  // namespace

class TestUiWindowGeometry : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

    void showPhotos(MainWindow& window) {
        window.setSession(library_.session);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a photo"));
        window.runSearch();
        QVERIFY(shown.wait(30000));
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(0));
        QTRY_VERIFY_WITH_TIMEOUT(abc::test::thumbnailsLoaded(*findNamed<abc::ui::ThumbnailProvider>(
                                                                 window, "resultThumbnails"),
                                                             window.resultsModel()->hits()),
                                 10000);
    }

    // Every filter at once, with a long folder name: the widest the filter bar gets.
    static void setWidestFilter(FilterBar& bar, const QString& longFolder) {
        abc::ui::FilterOptions options;
        options.folders = {longFolder};
        options.mediaTypes = {QStringLiteral("png"), QStringLiteral("jpeg")};
        bar.setOptions(options);
        bar.folderChoice()->setCurrentIndex(1);
        bar.typeChoice()->setCurrentIndex(1);
        bar.dateChoice()->setCurrentIndex(1);  // "Taken between"
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-window-geometry-test"));
        QVERIFY(work_.isValid());
        QCOMPARE(QGuiApplication::screens().size(), 2);
        QCOMPARE(screenNamed("laptop")->availableGeometry(), QRect(0, 0, 1280, 800));
        library_ = abc::test::makeUiPhotoLibrary(work_.filePath(QStringLiteral("photos")),
                                                 work_.filePath(QStringLiteral("lib.sqlite3")), 6);
    }

    void init() { QSettings().clear(); }

    void filtersNeverWidenTheWindow() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        showPhotos(window);
        const QRect laptop = screenNamed("laptop")->availableGeometry();
        // The default size, less the frame, fills the laptop's width.
        QTRY_COMPARE(window.frameGeometry().width(), 1280);
        const int width = window.width();
        verifyOnScreen(window, laptop);
        auto& bar = *findNamed<FilterBar>(window, "filterBar");
        bar.dateChoice()->setCurrentIndex(1);  // "Taken between", alone
        QTest::qWait(50);
        QCOMPARE(window.width(), width);
        verifyOnScreen(window, laptop);
        setWidestFilter(bar,
                        QStringLiteral("/home/someone/Pictures/") + QString(80, QLatin1Char('x')));
        QTest::qWait(50);
        QCOMPARE(window.width(), width);
        verifyOnScreen(window, laptop);
        QVERIFY(window.grab().save(screenshotDir() + "/main_window_1280x800.png"));
        bar.reset();
        QTest::qWait(50);
        QCOMPARE(window.width(), width);
        verifyOnScreen(window, laptop);
    }

    void largeScreenScreenshot() {
        MainWindow window;
        const QRect desktop = screenNamed("desktop")->availableGeometry();
        window.setGeometry(desktop);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        showPhotos(window);
        setWidestFilter(*findNamed<FilterBar>(window, "filterBar"),
                        QStringLiteral("/home/someone/Pictures/Holidays 2024"));
        QTest::qWait(50);
        QCOMPARE(window.frameGeometry(), desktop);
        verifyOnScreen(window, desktop);
        QVERIFY(window.grab().save(screenshotDir() + "/main_window_1920x1080.png"));
    }

    // A geometry saved on a larger screen (or before the screen changed) comes back inside.
    void restoredGeometryIsClampedToTheScreen_data() {
        QTest::addColumn<QRect>("saved");
        QTest::addColumn<QString>("screen");
        QTest::newRow("too large for the laptop") << QRect(60, 40, 1500, 950) << "laptop";
        QTest::newRow("hanging off the laptop") << QRect(700, 300, 1000, 700) << "laptop";
        QTest::newRow("too large for the desktop") << QRect(1500, 100, 2400, 1300) << "desktop";
    }
    void restoredGeometryIsClampedToTheScreen() {
        QFETCH(QRect, saved);
        QFETCH(QString, screen);
        {
            MainWindow window;
            window.setGeometry(saved);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.setGeometry(saved);
            window.close();
        }
        QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
        MainWindow restored;
        restored.show();
        QVERIFY(QTest::qWaitForWindowExposed(&restored));
        const QRect available = screenNamed(screen)->availableGeometry();
        QTRY_VERIFY(available.contains(restored.frameGeometry()));
        verifyOnScreen(restored, available);
    }
};

QTEST_MAIN(TestUiWindowGeometry)
#include "test_ui_window_geometry.moc"
