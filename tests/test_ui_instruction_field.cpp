// The instruction field's drop-down: the example instructions and the recent ones are offered
// before anything is typed, by mouse and by keyboard (Alt+Down in the field); choosing one
// fills the field; an instruction search goes into the history, which is saved at once (not
// only when the window closes) and shown by a new window. Real SQLite library, stand-in model.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include "support/ui_test_setup.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 20000;

// The instructions the drop-down offers, in order (headers and commands carry no data).
QStringList offered(const MainWindow& window) {
    QStringList out;
    for (const QAction* action :
         findNamed<QToolButton>(window, "instructionChoices")->menu()->actions()) {
        if (!action->data().toString().isEmpty())
            out << action->data().toString();
    }
    return out;
}

QAction* offeredAction(const MainWindow& window, const QString& instruction) {
    for (QAction* action :
         findNamed<QToolButton>(window, "instructionChoices")->menu()->actions()) {
        if (action->data().toString() == instruction)
            return action;
    }
    return nullptr;
}

// The section titles, in order.
QStringList sections(const MainWindow& window) {
    QStringList out;
    for (const QAction* action :
         findNamed<QToolButton>(window, "instructionChoices")->menu()->actions()) {
        if (action->isSeparator() && !action->text().isEmpty())
            out << action->text();
    }
    return out;
}

}  // namespace

class TestUiInstructionField : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-instruction-test"));
        QVERIFY(work_.isValid());
        library_ =
            abc::test::makeUiPhotoLibrary(work_.filePath(QStringLiteral("photos")),
                                          work_.filePath(QStringLiteral("library.sqlite3")), 6);
    }

    void examplesAreOfferedBeforeTyping() {
        MainWindow window;
        window.setSession(library_.session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QToolButton* choices = findNamed<QToolButton>(window, "instructionChoices");
        QVERIFY(choices && choices->isVisible() && choices->isEnabled());
        QVERIFY(!choices->accessibleName().isEmpty());
        QVERIFY(choices->focusPolicy() & Qt::TabFocus);
        QCOMPARE(sections(window), QStringList({"Recent", "Examples"}));
        const QStringList examples = MainWindow::exampleInstructions();
        QCOMPARE(examples.size(), 5);
        QCOMPARE(offered(window), examples);  // no history yet
        auto* clear =
            choices->menu()->findChild<QAction*>(QStringLiteral("clearInstructionHistory"));
        QVERIFY(clear && !clear->isEnabled());

        // Choosing one with the mouse fills the field and leaves it to Enter.
        QVERIFY(findNamed<QLineEdit>(window, "instructionBar")->text().isEmpty());
        offeredAction(window, examples.at(3))->trigger();
        QCOMPARE(findNamed<QLineEdit>(window, "instructionBar")->text(), examples.at(3));

        // Keyboard: Alt+Down inside the field opens the list; arrows and Enter choose.
        findNamed<QLineEdit>(window, "instructionBar")->clear();
        findNamed<QLineEdit>(window, "instructionBar")->setFocus();
        QTRY_VERIFY(findNamed<QLineEdit>(window, "instructionBar")->hasFocus());
        bool opened = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            opened = menu == choices->menu();
            if (!menu)
                return;
            menu->setActiveAction(offeredAction(window, examples.at(0)));
            QDir().mkpath(QStringLiteral(ABC_BUILD_DIR "/screenshots"));
            menu->grab().save(QStringLiteral(ABC_BUILD_DIR "/screenshots/instruction_menu.png"));
            QTest::keyClick(menu, Qt::Key_Down);  // the next example
            QTest::keyClick(menu, Qt::Key_Return);
        });
        QTest::keyClick(findNamed<QLineEdit>(window, "instructionBar"), Qt::Key_Down,
                        Qt::AltModifier);
        QCoreApplication::processEvents();  // the check runs here if the list did not open
        QVERIFY(opened);
        QCOMPARE(findNamed<QLineEdit>(window, "instructionBar")->text(), examples.at(1));
    }

    void anInstructionSearchIsRememberedAtOnce() {
        const QString instruction = QStringLiteral("what is the colour of the photo?");
        {
            MainWindow window;
            window.setSession(library_.session);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QSignalSpy shown(&window, &MainWindow::resultsShown);
            findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a red photo"));
            findNamed<QLineEdit>(window, "instructionBar")->setText(instruction);
            QTest::keyClick(findNamed<QLineEdit>(window, "instructionBar"), Qt::Key_Return);
            QVERIFY(shown.wait(kWaitMs));
            QVERIFY(window.resultsModel()->rowCount() > 0);
            QCOMPARE(offered(window).first(), instruction);
            QCOMPARE(offered(window).mid(1), MainWindow::exampleInstructions());
            // In the settings already, with the window still open (a crash would keep it).
            QCOMPARE(QSettings().value(QStringLiteral("search/instructions")).toStringList(),
                     QStringList{instruction});

            // A new window on the same settings offers it under "Recent".
            MainWindow next;
            QCOMPARE(next.settings().instructionHistory, QStringList{instruction});
            QCOMPARE(offered(next).first(), instruction);
            QAction* clear = findNamed<QToolButton>(next, "instructionChoices")
                                 ->menu()
                                 ->findChild<QAction*>(QStringLiteral("clearInstructionHistory"));
            QVERIFY(clear && clear->isEnabled());
            // Choosing it from the history fills the field.
            offeredAction(next, instruction)->trigger();
            QCOMPARE(findNamed<QLineEdit>(next, "instructionBar")->text(), instruction);

            // An instruction with "&" is shown as typed, not as a mnemonic.
            findNamed<QLineEdit>(window, "instructionBar")->setText(QStringLiteral("cats & dogs?"));
            shown.clear();
            window.runSearch();
            QVERIFY(shown.wait(kWaitMs));
            QAction* ampersand = offeredAction(window, QStringLiteral("cats & dogs?"));
            QVERIFY(ampersand);
            QCOMPARE(ampersand->text(), QStringLiteral("cats && dogs?"));
            QCOMPARE(offered(window).mid(0, 2),
                     QStringList({QStringLiteral("cats & dogs?"), instruction}));

            // Clearing the history clears the saved one too.
            window.clearInstructionHistory();
            QCOMPARE(offered(window), MainWindow::exampleInstructions());
            QVERIFY(
                QSettings().value(QStringLiteral("search/instructions")).toStringList().isEmpty());
            findNamed<QLineEdit>(window, "instructionBar")->clear();
        }
        MainWindow after;
        QVERIFY(after.settings().instructionHistory.isEmpty());
    }

    void cleanupTestCase() { library_.session.reset(); }
};

QTEST_MAIN(TestUiInstructionField)
#include "test_ui_instruction_field.moc"
