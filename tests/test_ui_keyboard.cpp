// The window by keyboard alone, on the real MainWindow under the offscreen platform: the
// issue's shortcuts (focus search, run, move in the grid, preview) and the grid's own keys.
// Keys go where a person's would: to the focused widget of the active window.
#include <QApplication>
#include <QLineEdit>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/main_window.h"
#include "ui/photo_preview.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;
using abc::ui::PhotoPreview;

namespace {

constexpr int kPhotos = 60;

// A key typed by a person: through the focus window, to whatever has the keyboard focus (the
// events it causes are processed before this returns).
void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QTest::keyClick(static_cast<QWidget*>(nullptr), static_cast<Qt::Key>(key), modifiers);
}

// The stand-in search is quick enough to finish while a key is being processed.
bool arrived(QSignalSpy& spy) {
    return !spy.isEmpty() || spy.wait(20000);
}

}  // namespace

class TestUiKeyboard : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;
    std::unique_ptr<MainWindow> window_;

    abc::ui::ResultsView* resultsView() const {
        return findNamed<abc::ui::ResultsView>(*window_, "resultsView");
    }
    abc::ui::DetailPane* detailPane() const {
        return findNamed<abc::ui::DetailPane>(*window_, "detailPane");
    }
    // Whether the current tile is scrolled into view.
    bool currentTileVisible() const {
        return resultsView()->viewport()->rect().intersects(
            resultsView()->visualRect(resultsView()->currentIndex()));
    }

    int currentRow() const { return resultsView()->currentIndex().row(); }
    QString currentPath() const { return window_->resultsModel()->hit(currentRow()).path; }

    // Tiles per line of the grid as laid out now.
    int columns() const {
        auto* view = resultsView();
        const int top = view->visualRect(window_->resultsModel()->index(0)).top();
        int count = 0;
        while (count < window_->resultsModel()->rowCount() &&
               view->visualRect(window_->resultsModel()->index(count)).top() == top)
            ++count;
        return count;
    }

    void search(const QString& text) {
        QSignalSpy shown(window_.get(), &MainWindow::resultsShown);
        press(Qt::Key_F, Qt::ControlModifier);
        QVERIFY(findNamed<QLineEdit>(*window_, "searchBar")->hasFocus());
        QTest::keyClicks(static_cast<QWidget*>(nullptr), text);
        press(Qt::Key_Return);
        QVERIFY2(arrived(shown), qPrintable(window_->statusText()));
        QCOMPARE(window_->resultsModel()->rowCount(), kPhotos);
    }

    PhotoPreview* openPreview() const { return window_->findChild<PhotoPreview*>(); }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-keyboard-test"));
        QVERIFY(work_.isValid());
        library_ =
            abc::test::makeUiPhotoLibrary(work_.filePath(QStringLiteral("photos")),
                                          work_.filePath(QStringLiteral("library.db")), kPhotos);
        window_ = std::make_unique<MainWindow>();
        window_->setSession(library_.session);
        window_->resize(1100, 700);
        window_->show();
        window_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    }

    void focusSearchAndRun() {
        resultsView()->setFocus();
        // Ctrl+F from anywhere, also from the experiment tab.
        press(Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(findNamed<QTabWidget>(*window_, "mainTabs")->currentIndex(), 1);
        press(Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(findNamed<QTabWidget>(*window_, "mainTabs")->currentIndex(), 0);
        QVERIFY(findNamed<QLineEdit>(*window_, "searchBar")->hasFocus());
        // Typed text replaces what was there (Ctrl+F selects it), and "/" is just a character
        // inside the bar.
        findNamed<QLineEdit>(*window_, "searchBar")->setText(QStringLiteral("old query"));
        press(Qt::Key_F, Qt::ControlModifier);
        QTest::keyClicks(static_cast<QWidget*>(nullptr), QStringLiteral("red/blue"));
        QCOMPARE(findNamed<QLineEdit>(*window_, "searchBar")->text(), QStringLiteral("red/blue"));

        // Enter runs the search, from the search bar and from the instruction bar.
        QSignalSpy shown(window_.get(), &MainWindow::resultsShown);
        press(Qt::Key_Return);
        QVERIFY2(arrived(shown), qPrintable(window_->statusText()));
        QCOMPARE(window_->resultsModel()->rowCount(), kPhotos);
        const auto first = window_->resultsModel()->hits();
        findNamed<QLineEdit>(*window_, "instructionBar")->setFocus();
        QVERIFY(findNamed<QLineEdit>(*window_, "instructionBar")->hasFocus());
        shown.clear();
        press(Qt::Key_Enter, Qt::KeypadModifier);
        QVERIFY2(arrived(shown), qPrintable(window_->statusText()));
        QCOMPARE(window_->resultsModel()->hits().first().path, first.first().path);

        // "/" outside a text field focuses the search bar.
        resultsView()->setFocus();
        QVERIFY(resultsView()->hasFocus());
        press(Qt::Key_Slash);
        QVERIFY(findNamed<QLineEdit>(*window_, "searchBar")->hasFocus());
        QCOMPARE(findNamed<QLineEdit>(*window_, "searchBar")->selectedText(),
                 QStringLiteral("red/blue"));
        press(Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(findNamed<QTabWidget>(*window_, "mainTabs")->currentIndex(), 0);
    }

    void arrowsMoveInTheGridAndThePaneFollows() {
        search(QStringLiteral("a colourful photo"));
        // From the search bar, Down enters the grid on the first result.
        press(Qt::Key_Down);
        QVERIFY(resultsView()->hasFocus());
        QCOMPARE(currentRow(), 0);
        QCOMPARE(detailPane()->path(), window_->resultsModel()->hit(0).path);

        const int perLine = columns();
        QVERIFY2(perLine > 1 && perLine < kPhotos, qPrintable(QString::number(perLine)));
        press(Qt::Key_Right);
        QCOMPARE(currentRow(), 1);
        QCOMPARE(detailPane()->path(), currentPath());
        press(Qt::Key_Down);
        QCOMPARE(currentRow(), 1 + perLine);
        QCOMPARE(detailPane()->path(), currentPath());
        press(Qt::Key_Left);
        QCOMPARE(currentRow(), perLine);
        press(Qt::Key_Up);
        QCOMPARE(currentRow(), 0);
        press(Qt::Key_Left);  // nothing before the first
        QCOMPARE(currentRow(), 0);

        press(Qt::Key_End);
        QCOMPARE(currentRow(), kPhotos - 1);
        QCOMPARE(detailPane()->path(), currentPath());
        QVERIFY(currentTileVisible());
        press(Qt::Key_Home);
        QCOMPARE(currentRow(), 0);
        QCOMPARE(detailPane()->path(), window_->resultsModel()->hit(0).path);

        // Page Down moves by whole lines in the same column, and keeps the tile visible.
        press(Qt::Key_PageDown);
        const int paged = currentRow();
        QVERIFY2(paged >= perLine && paged % perLine == 0,
                 qPrintable(QStringLiteral("%1 with %2 per line").arg(paged).arg(perLine)));
        QCOMPARE(detailPane()->path(), currentPath());
        QVERIFY(currentTileVisible());
        press(Qt::Key_PageDown);
        const int twice = currentRow();
        QVERIFY(twice > paged);
        QCOMPARE(twice % perLine, 0);
        press(Qt::Key_PageUp);
        QVERIFY(currentRow() < twice);
        press(Qt::Key_PageUp);
        QCOMPARE(currentRow(), 0);
        QCOMPARE(detailPane()->infoText().contains(QStringLiteral("score")), true);
    }

    void spaceAndEnterOpenThePreview() {
        if (!resultsView()->hasFocus()) {
            search(QStringLiteral("another photo"));
            press(Qt::Key_Down);
        }
        press(Qt::Key_Right);
        const QString expected = currentPath();
        for (const int key : {int(Qt::Key_Space), int(Qt::Key_Return)}) {
            QVERIFY(!openPreview());
            press(key);
            QPointer<PhotoPreview> preview = openPreview();
            QVERIFY2(preview, qPrintable(QString::number(key, 16)));
            QVERIFY(preview->isVisible());
            QCOMPARE(preview->windowTitle(), QFileInfo(expected).fileName());
            QVERIFY(QTest::qWaitForWindowActive(preview));
            // Space closes it again; Escape does too.
            press(key == Qt::Key_Space ? Qt::Key_Space : Qt::Key_Escape);
            QTRY_VERIFY(!preview || !preview->isVisible());
            QTRY_VERIFY(!preview);  // deleted on close
            // Back in the grid where it was, the pane unchanged.
            QCOMPARE(window_->focusWidget(), resultsView());
            window_->activateWindow();  // what the window manager does when a dialog closes
            QVERIFY(QTest::qWaitForWindowActive(window_.get()));
            QVERIFY(resultsView()->hasFocus());
            QCOMPARE(currentPath(), expected);
            QCOMPARE(detailPane()->path(), expected);
        }
    }

    void cleanupTestCase() { window_.reset(); }
};

QTEST_MAIN(TestUiKeyboard)
#include "test_ui_keyboard.moc"
