// The menus work on a plain X11 session too, where the platform may bind no key to
// Preferences: Ctrl+, opens Settings and Ctrl+Q quits; the View menu brings back the Folders
// and Photo docks once closed. Real window, real key presses.
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

class TestUiMenus : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-menus-test"));
        QVERIFY(work_.isValid());
        library_ = abc::test::makeUiPhotoLibrary(work_.filePath("photos"),
                                                 work_.filePath("library.sqlite3"), 2);
    }

    void ctrlCommaOpensSettingsAndCtrlQQuits() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        QVERIFY(findNamed<QAction>(window, "openSettings")
                    ->shortcuts()
                    .contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
        QString opened;
        // Settings is modal: the timer sees what opened, then closes it.
        QTimer::singleShot(0, [&opened] {
            QTRY_VERIFY(QApplication::activeModalWidget() != nullptr);
            QWidget* dialog = QApplication::activeModalWidget();
            opened = dialog->metaObject()->className();
            qobject_cast<QDialog*>(dialog)->reject();
        });
        QTest::keyClick(&window, Qt::Key_Comma, Qt::ControlModifier);
        QTRY_COMPARE(opened, QStringLiteral("abc::ui::SettingsDialog"));

        window.activateWindow();  // back from the dialog
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_Q, Qt::ControlModifier);
        QTRY_VERIFY(!window.isVisible());
    }

    void theViewMenuTogglesTheDocks() {
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library_.session));
        for (const QString& name : {QStringLiteral("foldersDock"), QStringLiteral("detailDock")}) {
            auto* dock = findNamed<QDockWidget>(window, name);
            auto* toggle = findNamed<QAction>(window, name + "Toggle");
            QVERIFY(dock->isVisible());
            dock->close();  // the dock's own close button
            QVERIFY(!dock->isVisible());
            QVERIFY(!toggle->isChecked());
            toggle->trigger();  // View > Folders / Photo
            QVERIFY(dock->isVisible());
            QVERIFY(toggle->isChecked());
        }
    }

    void cleanupTestCase() { library_.session.reset(); }
};

QTEST_MAIN(TestUiMenus)
#include "test_ui_menus.moc"
