// Dragging onto the window: while hovering it says what the drop would do, a dropped folder
// asks before it is added and indexed, and a dropped file that is no image is refused with the
// reason, leaving the search bar and the grid as they were. Real SQLite library, real files,
// real widgets; the drag events are sent as the platform would send them.
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "core/library/library_store.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kPhotos = 5;

// Sends what the platform sends when `path` is dragged over `window`: whether it was accepted.
bool hover(MainWindow& window, QMimeData& mime) {
    QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    return enter.isAccepted();
}

void drop(MainWindow& window, QMimeData& mime) {
    QDropEvent event(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &event);
}

QMimeData* urlsOf(const QString& path) {
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(path)});
    return mime;
}

QMessageBox* addConfirmation(MainWindow& window) {
    return window.findChild<QMessageBox*>(QStringLiteral("addDroppedFolderConfirmation"));
}

bool hasFolder(abc::LibraryStore& store, const QString& folder) {
    for (const std::string& known : store.folders()) {
        if (QString::fromStdString(known) == folder)
            return true;
    }
    return false;
}

}  // namespace

class TestUiDrop : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-drop-test"));
        QVERIFY(work_.isValid());
    }

    void hoveringSaysWhatTheDropWouldDo() {
        const auto library = abc::test::makeUiPhotoLibrary(
            QDir(work_.filePath("hover")).absolutePath(), work_.filePath("hover.sqlite3"), 2);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        auto* hint = findNamed<QLabel>(window, "dropHint");
        QVERIFY(!hint->isVisible());

        std::unique_ptr<QMimeData> photo(urlsOf(library.paths.first()));
        QVERIFY(hover(window, *photo));
        QVERIFY(hint->isVisible());
        QCOMPARE(hint->text(), QStringLiteral("Drop to find photos like %1")
                                   .arg(QFileInfo(library.paths.first()).fileName()));
        QDragLeaveEvent leave;
        QApplication::sendEvent(&window, &leave);
        QVERIFY(!hint->isVisible());

        const QString folder = QDir(work_.filePath("more")).absolutePath();
        abc::test::writeImage(folder + "/a.png", 1);
        std::unique_ptr<QMimeData> directory(urlsOf(folder));
        QVERIFY(hover(window, *directory));
        QCOMPARE(hint->text(), QStringLiteral("Drop to add %1 to the library").arg(folder));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("drop_folder_hover")));
        QApplication::sendEvent(&window, &leave);

        // Nothing local to drop (a web link): not accepted, nothing shown.
        QMimeData web;
        web.setUrls({QUrl(QStringLiteral("https://example.org/photo.jpg"))});
        QVERIFY(!hover(window, web));
        QVERIFY(!hint->isVisible());
    }

    void aDroppedFolderIsAddedOnlyOnceConfirmed() {
        const auto library =
            abc::test::makeUiPhotoLibrary(QDir(work_.filePath("photos")).absolutePath(),
                                          work_.filePath("folder.sqlite3"), kPhotos);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        const QString folder = QDir(work_.filePath("holiday")).absolutePath();
        abc::test::writeImage(folder + "/beach.png", 3);
        abc::test::writeImage(folder + "/sunset.png", 4);

        std::unique_ptr<QMimeData> mime(urlsOf(folder));
        QVERIFY(hover(window, *mime));
        drop(window, *mime);
        QMessageBox* box = addConfirmation(window);
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->text().contains(folder), qPrintable(box->text()));
        QVERIFY(!findNamed<QLabel>(window, "dropHint")->isVisible());
        QTest::mouseClick(findNamed<QPushButton>(*box, "cancelAddFolder"), Qt::LeftButton);
        QTRY_VERIFY(addConfirmation(window) == nullptr);
        QVERIFY(!hasFolder(*library.session->store, folder));
        QVERIFY(!window.isIndexing());

        QVERIFY(hover(window, *mime));  // a drop always ends a drag that entered
        drop(window, *mime);
        box = addConfirmation(window);
        QVERIFY(box && box->isVisible());
        QSignalSpy indexed(&window, &MainWindow::indexingFinished);
        QTest::mouseClick(findNamed<QPushButton>(*box, "confirmAddFolder"), Qt::LeftButton);
        QVERIFY(hasFolder(*library.session->store, folder));
        QVERIFY(indexed.wait(abc::test::kWindowWaitMs));
        QCOMPARE(library.session->store->photoCount(), std::int64_t{kPhotos + 2});
    }

    void aDroppedNonImageIsRefusedAndTheSearchKept() {
        const auto library = abc::test::makeUiPhotoLibrary(
            QDir(work_.filePath("kept")).absolutePath(), work_.filePath("kept.sqlite3"), kPhotos);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a red photo")), kPhotos);
        const abc::ui::PhotoHits before = window.resultsModel()->hits();
        auto* bar = findNamed<QLineEdit>(window, "searchBar");

        const QString notes = work_.filePath("notes.txt");
        abc::test::writeFile(notes, "shopping list\n");
        std::unique_ptr<QMimeData> mime(urlsOf(notes));
        QVERIFY(hover(window, *mime));  // refused on drop, with the reason, not silently
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QSignalSpy failed(&window, &MainWindow::searchFailed);
        drop(window, *mime);
        auto* hint = findNamed<QLabel>(window, "dropHint");
        QVERIFY(hint->isVisible());
        QVERIFY2(hint->text().contains(QStringLiteral("notes.txt is not an image")),
                 qPrintable(hint->text()));
        QVERIFY2(window.statusText().contains(QStringLiteral("not an image")),
                 qPrintable(window.statusText()));
        QVERIFY(!window.isSearching());  // a search asked for would be running now
        QCOMPARE(shown.count(), 0);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(bar->text(), QStringLiteral("a red photo"));
        QCOMPARE(window.resultsModel()->rowCount(), before.size());
        QCOMPARE(window.resultsModel()->hit(0).path, before.first().path);
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("drop_refused")));

        // The next search clears the refusal.
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a blue photo")), kPhotos);
        QVERIFY(!hint->isVisible());
    }
};

QTEST_MAIN(TestUiDrop)
#include "test_ui_drop.moc"
