// Removing a folder throws away what indexing computed for it, so the window asks first,
// with the counts and the time it would take to compute them again, defaults to keeping it,
// and once removed the grid no longer shows its photos. Real SQLite library, real widgets.
#include <QDir>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kPhotos = 6;
constexpr int kWaitMs = 20000;

QMessageBox* confirmation(MainWindow& window) {
    return window.findChild<QMessageBox*>(QStringLiteral("removeFolderConfirmation"));
}

}  // namespace

class TestUiRemoveFolder : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-remove-folder-test"));
        QVERIFY(work_.isValid());
    }

    void removingAFolderAsksWithTheCountsThenEmptiesTheGrid() {
        const QString folder = QDir(work_.filePath("photos")).absolutePath();
        const auto library =
            abc::test::makeUiPhotoLibrary(folder, work_.filePath("library.sqlite3"), kPhotos);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        auto* panel = findNamed<abc::ui::FoldersPanel>(window, "foldersPanel");
        QTRY_COMPARE_WITH_TIMEOUT(panel->list()->count(), 1, kWaitMs);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);

        panel->list()->setCurrentRow(0);
        auto* remove = findNamed<QPushButton>(*panel, "removeFolder");
        QTest::mouseClick(remove, Qt::LeftButton);
        QMessageBox* box = confirmation(window);
        QVERIFY(box && box->isVisible());
        const QString said = box->text() + "\n" + box->informativeText();
        QVERIFY2(said.contains(folder), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("forgets its %1 photos").arg(kPhotos)), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("vectors computed for %1").arg(kPhotos)),
                 qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("about ")), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("not touched")), qPrintable(said));
        QDir().mkpath(QStringLiteral(ABC_BUILD_DIR "/screenshots"));
        QVERIFY(box->grab().save(QStringLiteral(ABC_BUILD_DIR "/screenshots/remove_folder.png")));
        // Keeping is the default: Enter keeps the folder.
        QCOMPARE(box->defaultButton(), findNamed<QPushButton>(*box, "keepFolder"));
        QTest::keyClick(box, Qt::Key_Return);
        QTRY_VERIFY(confirmation(window) == nullptr);  // closed, deleted
        QTest::qWait(200);
        QCOMPARE(library.session->store->folders().size(), std::size_t{1});
        QCOMPARE(library.session->store->photoCount(), std::int64_t{kPhotos});
        QCOMPARE(window.resultsModel()->rowCount(), kPhotos);

        QTest::mouseClick(remove, Qt::LeftButton);
        box = confirmation(window);
        QVERIFY(box && box->isVisible());
        QTest::mouseClick(findNamed<QPushButton>(*box, "confirmRemoveFolder"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel->list()->count(), 0, kWaitMs);
        QCOMPARE(library.session->store->folders().size(), std::size_t{0});
        // The grid shows none of the forgotten photos; the files stay on disk.
        QCOMPARE(window.resultsModel()->rowCount(), 0);
        QVERIFY2(window.statusText().contains(QStringLiteral("Removed")),
                 qPrintable(window.statusText()));
        for (const QString& path : library.paths)
            QVERIFY(QFileInfo::exists(path));
    }
};

QTEST_MAIN(TestUiRemoveFolder)
#include "test_ui_remove_folder.moc"
