// The main window shows under the offscreen platform; a screenshot is written for review.
#include <QDir>
#include <QLineEdit>
#include <QListView>
#include <QTest>

#include "ui/main_window.h"

class TestUiMainWindow : public QObject {
    Q_OBJECT

  private slots:
    void windowShowsWithSearchBarAndGrid() {
        abc::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.searchBar()->isVisible());
        QVERIFY(window.findChild<QListView*>(QStringLiteral("resultsView")) != nullptr);
        QCOMPARE(window.windowTitle(), QStringLiteral("ABC Photos"));

        const QString dir = QStringLiteral(ABC_BUILD_DIR) + QStringLiteral("/screenshots");
        QVERIFY(QDir().mkpath(dir));
        const QString file = dir + QStringLiteral("/main_window.png");
        QVERIFY(window.grab().save(file));
        QVERIFY(QFileInfo(file).size() > 0);
    }
};

QTEST_MAIN(TestUiMainWindow)
#include "test_ui_main_window.moc"
