// What a person does with the grid as in any photo tool: a context menu on a tile, a
// double-click for the preview (with next/previous and zoom), Ctrl/Shift-click and Ctrl+A with
// batch actions (copy paths, remove from library, move to trash after a confirmation), tiles
// dragged out as file URLs, a thumbnail size slider and Ctrl+wheel, sorting by score, date
// taken or name, and every photo without a query, newest first. Real SQLite library, real
// files, real widgets.
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QUrl>
#include <QWheelEvent>

#include "core/library/library_store.h"
#include "support/opened_urls.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/detail_pane.h"
#include "ui/experiment_panel.h"
#include "ui/main_window.h"
#include "ui/photo_preview.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::test::OpenedUrls;
using abc::ui::MainWindow;
using abc::ui::ResultsModel;
using abc::ui::ResultsView;

namespace {

constexpr int kPhotos = 6;
// The dates of photo_000 .. photo_005 ("" = no EXIF date).
const QStringList kTakenAt = {"2021-05-01 10:00:00", "",
                              "2023-01-10 10:00:00", "2019-07-04 08:00:00",
                              "2024-02-29 18:30:00", ""};
// Newest first, the undated ones last by name.
const QStringList kByDate = {"photo_004.png", "photo_002.png", "photo_000.png",
                             "photo_003.png", "photo_001.png", "photo_005.png"};

QStringList namesShown(const MainWindow& window) {
    QStringList names;
    for (const abc::ui::PhotoHit& hit : window.resultsModel()->hits())
        names << QFileInfo(hit.path).fileName();
    return names;
}

QMenu* contextMenuOn(ResultsView& view, int row) {
    const QPoint at = view.visualRect(view.model()->index(row, 0)).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view.viewport()->mapToGlobal(at));
    QApplication::sendEvent(view.viewport(), &event);
    return view.findChild<QMenu*>(QStringLiteral("resultsContextMenu"));
}

void trigger(QMenu& menu, const QString& name) {
    auto* action = menu.findChild<QAction*>(name);
    if (action == nullptr) {
        for (QAction* candidate : menu.actions()) {
            if (candidate->objectName() == name)
                action = candidate;
        }
    }
    QVERIFY2(action != nullptr, qPrintable(name));
    QVERIFY2(action->isEnabled(), qPrintable(name));
    menu.close();
    action->trigger();
}

void clickRow(ResultsView& view, int row, Qt::KeyboardModifiers modifiers = {}) {
    QTest::mouseClick(view.viewport(), Qt::LeftButton, modifiers,
                      view.visualRect(view.model()->index(row, 0)).center());
}

}  // namespace

class TestUiGridActions : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    int libraries_ = 0;

    abc::test::UiPhotoLibrary makeLibrary() {
        const QString name = QStringLiteral("library%1").arg(++libraries_);
        return abc::test::makeUiPhotoLibrary(QDir(work_.filePath(name)).absolutePath(),
                                             work_.filePath(name + ".sqlite3"), kPhotos, {},
                                             kTakenAt);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-grid-actions-test"));
        // A trash of the test's own: none left from an earlier run.
        QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/Trash")
            .removeRecursively();
        QVERIFY(work_.isValid());
    }

    void theContextMenuActsOnTheTile() {
        const auto library = makeLibrary();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        auto& view = *findNamed<ResultsView>(window, "resultsView");
        const QString third = window.resultsModel()->hit(2).path;

        QMenu* menu = contextMenuOn(view, 2);
        QVERIFY(menu && menu->isVisible());
        QStringList offered;
        for (QAction* action : menu->actions()) {
            if (!action->isSeparator())
                offered << action->objectName();
        }
        for (const char* name :
             {"openSelected", "revealSelected", "copySelectedPaths", "findSimilarToSelected",
              "useSelectedInExperiment", "removeSelectedFromLibrary", "trashSelected"}) {
            QVERIFY2(offered.contains(QLatin1String(name)), name);
        }
        // Right-clicking a tile selects it: the menu acts on what the person pointed at.
        QCOMPARE(view.selectedPaths(), QStringList{third});
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("grid_sort_and_size")));
        QVERIFY(
            menu->grab().save(QStringLiteral(ABC_BUILD_DIR "/screenshots/grid_context_menu.png")));
        trigger(*menu, QStringLiteral("copySelectedPaths"));
        QCOMPARE(QGuiApplication::clipboard()->text(), third);
        QVERIFY2(window.statusText().contains(QStringLiteral("Copied 1 path")),
                 qPrintable(window.statusText()));

        OpenedUrls desktop;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &desktop, "open");
        menu = contextMenuOn(view, 2);
        trigger(*menu, QStringLiteral("openSelected"));
        QCOMPARE(desktop.urls, QList<QUrl>{QUrl::fromLocalFile(third)});
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));

        menu = contextMenuOn(view, 2);
        trigger(*menu, QStringLiteral("useSelectedInExperiment"));
        auto* experiment = findNamed<abc::ui::ExperimentPanel>(window, "experimentPanel");
        QCOMPARE(experiment->imagePath(), third);
        QCOMPARE(findNamed<QTabWidget>(window, "mainTabs")->currentWidget(), experiment);

        QSignalSpy shown(&window, &MainWindow::resultsShown);
        menu = contextMenuOn(view, 2);
        trigger(*menu, QStringLiteral("findSimilarToSelected"));
        QVERIFY(shown.wait(abc::test::kWindowWaitMs));
        QCOMPARE(window.resultsModel()->hit(0).path, third);
        QCOMPARE(findNamed<QLabel>(window, "resultsBanner")->text(),
                 QStringLiteral("Similar to %1 · %2 photos")
                     .arg(QFileInfo(third).fileName())
                     .arg(window.resultsModel()->rowCount()));
    }

    void selectedPhotosAreCopiedRemovedOrTrashedTogether() {
        const auto library = makeLibrary();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        auto& view = *findNamed<ResultsView>(window, "resultsView");
        auto* model = window.resultsModel();

        window.activateWindow();  // the shortcuts below reach the focused grid
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view.setFocus();
        QTest::keyClick(&view, Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(view.selectedPaths().size(), kPhotos);
        QTest::keyClick(&view, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text().split('\n').size(), kPhotos);

        clickRow(view, 0);
        clickRow(view, 2, Qt::ShiftModifier);    // 0, 1, 2
        clickRow(view, 1, Qt::ControlModifier);  // 0, 2
        clickRow(view, 4, Qt::ControlModifier);  // 0, 2, 4
        const QStringList chosen = {model->hit(0).path, model->hit(2).path, model->hit(4).path};
        QCOMPARE(view.selectedPaths(), chosen);

        // Dragged out, the selected tiles are their files.
        QVERIFY(view.dragEnabled());
        QVERIFY(model->flags(model->index(0)) & Qt::ItemIsDragEnabled);
        std::unique_ptr<QMimeData> dragged(
            model->mimeData(view.selectionModel()->selectedIndexes()));
        QList<QUrl> urls = dragged->urls();
        std::sort(urls.begin(), urls.end());
        QList<QUrl> expected;
        for (const QString& path : chosen)
            expected << QUrl::fromLocalFile(path);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(urls, expected);

        // Trash: asked first, Cancel keeps everything.
        QMenu* menu = contextMenuOn(view, 2);
        QVERIFY2(menu->actions().last()->text().contains(QStringLiteral("3 photos")),
                 qPrintable(menu->actions().last()->text()));
        trigger(*menu, QStringLiteral("trashSelected"));
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("trashConfirmation"));
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->text().contains(QStringLiteral("3 photos")), qPrintable(box->text()));
        QCOMPARE(box->defaultButton(), findNamed<QPushButton>(*box, "keepPhotos"));
        QTest::keyClick(box, Qt::Key_Return);
        QTRY_VERIFY(window.findChild<QMessageBox*>(QStringLiteral("trashConfirmation")) == nullptr);
        for (const QString& path : chosen)
            QVERIFY(QFileInfo::exists(path));
        QCOMPARE(model->rowCount(), kPhotos);

        window.activateWindow();  // what the window manager does when a dialog closes
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view.setFocus();
        QTest::keyClick(&view, Qt::Key_Delete);  // the same, from the keyboard
        box = window.findChild<QMessageBox*>(QStringLiteral("trashConfirmation"));
        QVERIFY(box && box->isVisible());
        QTest::mouseClick(findNamed<QPushButton>(*box, "confirmTrash"), Qt::LeftButton);
        QTRY_COMPARE(model->rowCount(), kPhotos - 3);
        // In the desktop's trash (the freedesktop one under the data folder), not deleted.
        const QString trash =
            QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/Trash";
        for (const QString& path : chosen) {
            QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
            QVERIFY2(QFileInfo::exists(trash + "/files/" + QFileInfo(path).fileName()),
                     qPrintable(trash));
            QVERIFY(!library.session->store->fileByPath(path.toStdString()));
        }
        QCOMPARE(library.session->store->photoCount(), std::int64_t{kPhotos - 3});
        QVERIFY2(window.statusText().contains(QStringLiteral("Moved 3 photos to the trash")),
                 qPrintable(window.statusText()));

        // Remove from library: the file stays on disk.
        const QString kept = model->hit(0).path;
        menu = contextMenuOn(view, 0);
        trigger(*menu, QStringLiteral("removeSelectedFromLibrary"));
        box = window.findChild<QMessageBox*>(QStringLiteral("removePhotosConfirmation"));
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->informativeText().contains(QStringLiteral("not touched")),
                 qPrintable(box->informativeText()));
        QTest::mouseClick(findNamed<QPushButton>(*box, "confirmRemovePhotos"), Qt::LeftButton);
        QTRY_COMPARE(model->rowCount(), kPhotos - 4);
        QVERIFY(QFileInfo::exists(kept));
        QVERIFY(!library.session->store->fileByPath(kept.toStdString()));
    }

    void thePreviewGoesThroughTheGridAndZooms() {
        const auto library = makeLibrary();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        auto& view = *findNamed<ResultsView>(window, "resultsView");
        const auto* model = window.resultsModel();

        // A double-click is a click, then a second press the platform reports as a double-click.
        const QPoint tile = view.visualRect(model->index(4)).center();
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, tile);
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, tile);
        auto* preview = window.findChild<abc::ui::PhotoPreview*>(QStringLiteral("photoPreview"));
        QVERIFY(preview && preview->isVisible());
        QCOMPARE(preview->path(), model->hit(4).path);
        QTRY_VERIFY_WITH_TIMEOUT(preview->isLoaded(), 10000);

        QTest::keyClick(preview, Qt::Key_Right);
        QCOMPARE(preview->path(), model->hit(5).path);
        QVERIFY(!findNamed<QToolButton>(*preview, "nextPhoto")->isEnabled());  // the last one
        QTest::mouseClick(findNamed<QToolButton>(*preview, "previousPhoto"), Qt::LeftButton);
        QTest::mouseClick(findNamed<QToolButton>(*preview, "previousPhoto"), Qt::LeftButton);
        QCOMPARE(preview->path(), model->hit(3).path);
        QTRY_VERIFY_WITH_TIMEOUT(preview->isLoaded(), 10000);
        QVERIFY2(findNamed<QLabel>(*preview, "previewPosition")->text().startsWith("4 of 6"),
                 qPrintable(findNamed<QLabel>(*preview, "previewPosition")->text()));

        auto* image = findNamed<QLabel>(*preview, "previewImage");
        QCOMPARE(preview->zoom(), 0.0);
        const int fitted = image->pixmap().width();
        QTest::mouseClick(findNamed<QToolButton>(*preview, "zoomIn"), Qt::LeftButton);
        QVERIFY(preview->zoom() > 0.0);
        QVERIFY2(image->pixmap().width() > fitted,
                 qPrintable(QStringLiteral("%1 <= %2").arg(image->pixmap().width()).arg(fitted)));
        QTest::keyClick(preview, Qt::Key_Minus);
        QTest::keyClick(preview, Qt::Key_Minus);
        QVERIFY(image->pixmap().width() < fitted);
        QTest::mouseClick(findNamed<QToolButton>(*preview, "fitPhoto"), Qt::LeftButton);
        QCOMPARE(preview->zoom(), 0.0);
        QCOMPARE(image->pixmap().width(), fitted);
        QDir().mkpath(QStringLiteral(ABC_BUILD_DIR "/screenshots"));
        QVERIFY(preview->grab().save(QStringLiteral(ABC_BUILD_DIR "/screenshots/preview.png")));
        QTest::keyClick(preview, Qt::Key_Escape);
        QTRY_VERIFY(window.findChild<abc::ui::PhotoPreview*>() == nullptr);
    }

    void thumbnailsZoomWithTheSliderAndCtrlWheel() {
        const auto library = makeLibrary();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        auto& view = *findNamed<ResultsView>(window, "resultsView");
        auto* slider = findNamed<QSlider>(window, "thumbnailSize");
        QCOMPARE(slider->value(), view.thumbnailEdge());
        const int before = view.visualRect(window.resultsModel()->index(0)).width();

        slider->setValue(96);
        QCOMPARE(view.thumbnailEdge(), 96);
        QTRY_VERIFY(view.visualRect(window.resultsModel()->index(0)).width() < before);

        const QPointF at = view.visualRect(window.resultsModel()->index(0)).center();
        QWheelEvent wheel(at, view.viewport()->mapToGlobal(at), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view.viewport(), &wheel);
        QCOMPARE(view.thumbnailEdge(), 128);
        QCOMPARE(slider->value(), 128);
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("grid_small_thumbnails")));
    }

    void browsingAndSortingByDateOrName() {
        const auto library = makeLibrary();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));

        // No query: every photo, newest first, without scores.
        QCOMPARE(abc::test::searchFromBar(window, QString()), kPhotos);
        QCOMPARE(namesShown(window), kByDate);
        QCOMPARE(findNamed<QLabel>(window, "resultsBanner")->text(),
                 QStringLiteral("All photos, newest first · %1 photos").arg(kPhotos));
        QVERIFY(!window.resultsModel()->index(0).data(ResultsModel::ScoreRole).isValid());
        auto* pane = findNamed<abc::ui::DetailPane>(window, "detailPane");
        QTRY_VERIFY(!pane->path().isEmpty());
        QVERIFY2(!pane->infoText().contains(QStringLiteral("score")), qPrintable(pane->infoText()));
        QVERIFY2(window.statusText().startsWith(QStringLiteral("6 photos")),
                 qPrintable(window.statusText()));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("browse_all_photos")));

        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        QStringList ranked = namesShown(window);
        auto* order = findNamed<QComboBox>(window, "sortOrder");
        order->setCurrentIndex(order->findData(static_cast<int>(ResultsModel::Order::TakenDate)));
        QTRY_COMPARE(namesShown(window), kByDate);  // the dates come from the library
        order->setCurrentIndex(order->findData(static_cast<int>(ResultsModel::Order::Name)));
        QStringList byName = kByDate;
        std::sort(byName.begin(), byName.end());
        QCOMPARE(namesShown(window), byName);
        order->setCurrentIndex(order->findData(static_cast<int>(ResultsModel::Order::Score)));
        QCOMPARE(namesShown(window), ranked);

        // The order chosen holds for the next search.
        order->setCurrentIndex(order->findData(static_cast<int>(ResultsModel::Order::TakenDate)));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("another photo")), kPhotos);
        QTRY_COMPARE(namesShown(window), kByDate);
    }
};

QTEST_MAIN(TestUiGridActions)
#include "test_ui_grid_actions.moc"
