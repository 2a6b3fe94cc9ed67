// The main window end to end under the offscreen platform, with a real SQLite library and the
// tiny ABC checkpoint: indexing on the worker thread (and cancelling it), a search typed into
// the bar filling the grid, dropping an image, the experiment panel's matrix, the settings and
// the first-run page. Screenshots of each go to ${ABC_BUILD_DIR}/screenshots for review
// (main_window.png includes the filter bar; test_ui_duplicates writes duplicates.png).
#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QUrl>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/model/device.h"
#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/engine_session.h"
#include "ui/experiment_panel.h"
#include "ui/filter_bar.h"
#include "ui/first_run_page.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/settings_dialog.h"
#include "ui/similarity_heatmap.h"

using abc::test::findNamed;
using abc::test::tinySettings;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);
const QStringList kPhotos = {"dog_and_cat.jpg",      "gradient_640x480.png", "gray_500x500.png",
                             "rounding_462x350.png", "tiny_40x30.jpg",       "rgba_300x200.png"};

QString screenshotDir() {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

}  // namespace

class TestUiMainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    std::shared_ptr<EngineSession> session_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-test"));
        QVERIFY(work_.isValid());
        photos_ = work_.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos_ + "/more"));
        for (const QString& name : kPhotos) {
            const QString target =
                (name.startsWith("g") ? photos_ + "/more/" : photos_ + "/") + name;
            QVERIFY(QFile::copy(kReference + "/images/" + name, target));
        }
        const AppSettings settings =
            tinySettings(work_.filePath(QStringLiteral("library.sqlite3")));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        QVERIFY(session_->hasModel());
    }

    void cancellingIndexingKeepsTheWindowUsable() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        session_->store->addFolder(photos_.toStdString());
        window.startIndexing();
        QVERIFY(window.isIndexing());
        window.cancelIndexing();
        // The GUI thread is never blocked: typing works while the worker winds down.
        QTest::keyClicks(findNamed<QLineEdit>(window, "searchBar"),
                         QStringLiteral("typing while cancelling"));
        QCOMPARE(findNamed<QLineEdit>(window, "searchBar")->text(),
                 QStringLiteral("typing while cancelling"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!window.isIndexing());
        QVERIFY2(window.statusText().contains("cancelled"), qPrintable(window.statusText()));
        const auto model = session_->store->findModel(session_->embedder->fingerprint());
        const auto vectors = model ? session_->store->vectorCount(*model, "") : 0;
        QVERIFY2(vectors < kPhotos.size(), "cancelled before every photo was embedded");
    }

    void indexingThenTypedSearchFillsTheGrid() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        window.addFolder(photos_);  // adding a folder starts indexing it
        QVERIFY(window.isIndexing());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(session_->store->photoCount(), kPhotos.size());

        // Folder state in the sidebar comes from the worker thread.
        auto* folderList = findNamed<abc::ui::FoldersPanel>(window, "foldersPanel")->list();
        QTRY_COMPARE_WITH_TIMEOUT(folderList->count(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(folderList->item(0)->text().contains("all indexed"), 5000);

        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(findNamed<QLineEdit>(window, "searchBar")->hasFocus());
        findNamed<QLineEdit>(window, "searchBar")->clear();
        QTest::keyClicks(findNamed<QLineEdit>(window, "searchBar"), QStringLiteral("a dog"));
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Return);
        QVERIFY(shown.wait(30000));
        QCOMPARE(window.resultsModel()->rowCount(), kPhotos.size());
        const auto hits = window.resultsModel()->hits();
        for (int i = 1; i < hits.size(); ++i)
            QVERIFY(hits[i - 1].score >= hits[i].score);
        QCOMPARE(findNamed<abc::ui::DetailPane>(window, "detailPane")->path(), hits.first().path);
        QVERIFY(findNamed<abc::ui::DetailPane>(window, "detailPane")
                    ->infoText()
                    .contains(QString::number(hits.first().score, 'f', 4)));
        QVERIFY2(window.statusText().startsWith(QStringLiteral("%1 photo").arg(hits.size())),
                 qPrintable(window.statusText()));

        // Find similar from the detail pane: the photo itself ranks first.
        const QString chosen = hits.at(2).path;
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(2));
        shown.clear();
        findNamed<abc::ui::DetailPane>(window, "detailPane")
            ->findChild<QPushButton*>(QStringLiteral("findSimilar"))
            ->click();
        QVERIFY(shown.wait(30000));
        QCOMPARE(window.resultsModel()->hit(0).path, chosen);
        QVERIFY(window.resultsModel()->hit(0).score > 0.999f);

        // Dropping an image on the window searches by example.
        shown.clear();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(photos_ + "/dog_and_cat.jpg")});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QSignalSpy failures(&window, &MainWindow::searchFailed);
        QApplication::sendEvent(&window, &drop);
        QVERIFY2(shown.wait(30000), qPrintable(window.statusText()));
        QCOMPARE(failures.count(), 0);
        QCOMPARE(QFileInfo(window.resultsModel()->hit(0).path).fileName(),
                 QStringLiteral("dog_and_cat.jpg"));

        // With an instruction: re-ranked by instructed embeddings.
        shown.clear();
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a cat"));
        findNamed<QLineEdit>(window, "instructionBar")
            ->setText(QStringLiteral("what is the animal on the right?"));
        QTest::keyClick(findNamed<QLineEdit>(window, "instructionBar"), Qt::Key_Return);
        QVERIFY(shown.wait(30000));
        QVERIFY(window.resultsModel()->rowCount() > 0);
        QCOMPARE(window.settings().instructionHistory.first(),
                 QStringLiteral("what is the animal on the right?"));

        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a dog"));
        findNamed<QLineEdit>(window, "instructionBar")->clear();
        shown.clear();
        window.runSearch();
        QVERIFY(shown.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(abc::test::thumbnailsLoaded(*findNamed<abc::ui::ThumbnailProvider>(
                                                                 window, "resultThumbnails"),
                                                             window.resultsModel()->hits()),
                                 10000);
        // The screenshot shows the filter bar too, offering the library's folder and types.
        QVERIFY(findNamed<abc::ui::FilterBar>(window, "filterBar")->isVisible());
        QCOMPARE(
            findNamed<abc::ui::FilterBar>(window, "filterBar")->folderChoice()->findData(photos_),
            1);
        QVERIFY(findNamed<abc::ui::FilterBar>(window, "filterBar")
                    ->typeChoice()
                    ->findData(QStringLiteral("png")) > 0);
        // The README shows the photo pane as users see it a moment later: the preview drawn,
        // the date line final, the instruction field's clear button faded out.
        auto* pane = findNamed<abc::ui::DetailPane>(window, "detailPane");
        auto* preview = pane->findChild<QLabel*>(QStringLiteral("detailPreview"));
        QTRY_VERIFY_WITH_TIMEOUT(!preview->pixmap().isNull(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!pane->dateText().endsWith(QStringLiteral("…")), 10000);
        QTest::qWait(400);
        QVERIFY(window.grab().save(screenshotDir() + "/main_window.png"));
    }

    void experimentPanelComputesAbcMatrix() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        findNamed<QTabWidget>(window, "mainTabs")->setCurrentIndex(1);
        auto* panel = findNamed<abc::ui::ExperimentPanel>(window, "experimentPanel");
        panel->setImagePath(kReference + "/images/dog_and_cat.jpg");
        QSignalSpy computed(panel, &abc::ui::ExperimentPanel::computed);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("experimentCompute")),
                          Qt::LeftButton);
        QVERIFY(computed.wait(60000));
        const auto matrix = panel->heatmap()->matrix();
        QCOMPARE(matrix.rows(), 2);
        QCOMPARE(matrix.columns(), 2);
        for (const float value : matrix.values)
            QVERIFY(value >= -1.0f && value <= 1.0f);
        // The instruction changes the image embedding, so the two rows differ.
        QVERIFY(qAbs(matrix.at(0, 0) - matrix.at(1, 0)) > 1e-6f);
        QVERIFY(window.grab().save(screenshotDir() + "/experiment_panel.png"));
        QVERIFY(panel->exportPng(screenshotDir() + "/experiment_heatmap.png"));
    }

    void settingsDialogShowsDevicesAndBudgets() {
        AppSettings settings = tinySettings({});
        abc::ui::SettingsDialog dialog(settings, abc::runtimeInfo());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const auto* devices = dialog.findChild<QComboBox*>(QStringLiteral("deviceChoice"));
        QVERIFY(devices->count() >= 1);
        QCOMPARE(devices->itemData(0).toString(), QStringLiteral("cpu"));
        for (const char* key : {"fast", "balanced", "best"}) {
            auto* button = dialog.findChild<QRadioButton*>(QStringLiteral("budget_") + key);
            QVERIFY(button);
            QVERIFY(button->text().contains("per photo"));
            QVERIFY(!button->accessibleName().isEmpty());
        }
        dialog.findChild<QRadioButton*>(QStringLiteral("budget_best"))->setChecked(true);
        QCOMPARE(dialog.settings().imageTokens, 1024);
        QCOMPARE(dialog.settings().baseModel, settings.baseModel);
        QVERIFY(dialog.grab().save(screenshotDir() + "/settings.png"));
    }

    void firstRunPageWhenNoModelIsFound() {
        AppSettings missing;
        missing.baseModel = work_.filePath(QStringLiteral("no-such-model"));
        missing.pretrainAdapter = QStringLiteral("nobody/no-such-adapter");
        abc::ui::FirstRunPage page(missing);
        page.resize(900, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(!page.isReady());
        QVERIFY(!page.continueButton()->isEnabled());
        // It says what is needed: the three repositories with their sizes, the disk and the
        // memory (GPU and CPU alone).
        QString text;
        for (const QLabel* label : page.findChildren<QLabel*>())
            text += QTextDocumentFragment::fromHtml(label->text()).toPlainText() + "\n";
        for (const char* needed :
             {"Qwen/Qwen2-VL-7B-Instruct: the vision-language model ABC builds on, about 16.6 GB",
              "TIGER-Lab/ABC-Qwen2VL-Pretrain: ABC's LoRA adapter and embedding head",
              "TIGER-Lab/ABC-Qwen2VL-Instruct: the LoRA adapter", "Disk: about 18 GB",
              "Memory: with a CUDA GPU, about 18 GB of GPU memory",
              "on the CPU alone, about 34 GB of RAM"}) {
            QVERIFY2(text.contains(QString::fromUtf8(needed)), needed);
        }
        QCOMPARE(text.count(QStringLiteral("well under 1 GB")), 2);  // the two adapters
        auto* download = page.findChild<QPushButton*>(QStringLiteral("downloadButton"));
        // The parts that are not folders can be downloaded (the adapter id as given).
        QVERIFY(download && download->isEnabled());
        QCOMPARE(download->text(), QStringLiteral("&Download the model"));
        QVERIFY(page.grab().save(screenshotDir() + "/first_run.png"));
        // Pointing the fields at the folders makes it ready.
        const auto edits = page.findChildren<QLineEdit*>();
        QCOMPARE(edits.size(), 3);
        edits[0]->setText(kReference + "/tiny-abc/Qwen2-VL");
        edits[1]->setText(kReference + "/tiny-abc/ABC-Pretrain");
        QVERIFY(page.isReady());
        QSignalSpy chosen(&page, &abc::ui::FirstRunPage::modelsChosen);
        QTest::mouseClick(page.continueButton(), Qt::LeftButton);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(page.settings().pretrainAdapter, kReference + "/tiny-abc/ABC-Pretrain");
    }

    // start() decides: the first-run page when the model's folders are not found, the library
    // with the model loading in the background when they are.
    void startShowsTheFirstRunPageOnlyWithoutAModel() {
        AppSettings missing = tinySettings(work_.filePath(QStringLiteral("start.sqlite3")));
        missing.baseModel = work_.filePath(QStringLiteral("no-such-model"));
        missing.save();
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.start();
            QVERIFY(window.isShowingFirstRun());
            QVERIFY(window.firstRunPage() && window.firstRunPage()->isVisible());
            QVERIFY(!findNamed<QTabWidget>(window, "mainTabs")->isVisible());
            QVERIFY(window.statusText().contains("not found"));
            // Choosing the folders there loads the model and shows the library.
            QSignalSpy changed(&window, &MainWindow::sessionChanged);
            const auto edits = window.firstRunPage()->findChildren<QLineEdit*>();
            QCOMPARE(edits.size(), 3);
            edits[0]->setText(kReference + "/tiny-abc/Qwen2-VL");
            QTest::mouseClick(window.firstRunPage()->continueButton(), Qt::LeftButton);
            QVERIFY(!window.isShowingFirstRun());
            QVERIFY(findNamed<QTabWidget>(window, "mainTabs")->isVisible());
            QTRY_VERIFY_WITH_TIMEOUT(window.session() && window.session()->hasModel(), 30000);
            QCOMPARE(AppSettings::load().baseModel, kReference + "/tiny-abc/Qwen2-VL");
        }
        // The next start finds it: no first-run page at all.
        MainWindow next;
        next.show();
        QVERIFY(QTest::qWaitForWindowExposed(&next));
        next.start();
        QVERIFY(!next.isShowingFirstRun());
        QVERIFY(!next.firstRunPage());
        QVERIFY(findNamed<QTabWidget>(next, "mainTabs")->isVisible());
        QVERIFY(next.statusText().contains("Loading the model"));
        QTRY_VERIFY_WITH_TIMEOUT(next.session() && next.session()->hasModel(), 30000);
        QVERIFY(!next.isShowingFirstRun());
        QSettings().clear();
    }

    void windowStateIsRestored() {
        QSize saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(1200, 700);
            saved = window.size();
            window.findChild<QDockWidget*>(QStringLiteral("detailDock"))->hide();
            findNamed<QTabWidget>(window, "mainTabs")->setCurrentIndex(1);
            window.close();
        }
        MainWindow restored;
        restored.show();
        QVERIFY(QTest::qWaitForWindowExposed(&restored));
        QCOMPARE(restored.size(), saved);
        QVERIFY(!restored.findChild<QDockWidget*>(QStringLiteral("detailDock"))->isVisible());
        QCOMPARE(findNamed<QTabWidget>(restored, "mainTabs")->currentIndex(), 1);
    }

    void cleanupTestCase() { session_.reset(); }
};

QTEST_MAIN(TestUiMainWindow)
#include "test_ui_main_window.moc"
