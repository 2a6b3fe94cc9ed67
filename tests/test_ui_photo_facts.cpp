// What the window tells about a photo and a folder after a real indexing run (tiny ABC
// checkpoint, real SQLite library, real EXIF reading): the detail pane shows the EXIF date
// taken the library recorded, and says when it falls back to the file's modification time;
// the folders sidebar names the files that could not be read and why (tooltip, a link, the
// folder's context menu and a dialog listing path and reason, as the store recorded them).
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "core/library/library_store.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/detail_pane.h"
#include "ui/engine_session.h"
#include "ui/failed_files_dialog.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"

using abc::test::findNamed;
using abc::test::tinySettings;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 30000;
const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);
// DateTimeOriginal "2021:07:01 12:34:56" (tests/data/image/fixtures.json).
const QString kExifPhoto = QStringLiteral(ABC_TEST_DATA_DIR "/image/fixtures/exif_o1_56x89.jpg");

int rowOf(const MainWindow& window, const QString& path) {
    const auto hits = window.resultsModel()->hits();
    for (int row = 0; row < hits.size(); ++row) {
        if (hits[row].path == path)
            return row;
    }
    return -1;
}

}  // namespace

class TestUiPhotoFacts : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    std::shared_ptr<EngineSession> session_;
    std::unique_ptr<MainWindow> window_;

    QString photo(const QString& name) const { return photos_ + "/" + name; }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-facts-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        QVERIFY(QDir().mkpath(photos_ + "/damaged"));
        QVERIFY(QFile::copy(kExifPhoto, photo("dated.jpg")));
        QVERIFY(QFile::copy(kReference + "/images/tiny_40x30.jpg", photo("undated.jpg")));
        // Two files that look like images (their first bytes say so) but cannot be decoded:
        // the first 300 bytes of a JPEG, and a PNG signature followed by noise.
        QFile jpeg(kReference + "/images/dog_and_cat.jpg");
        QVERIFY(jpeg.open(QIODevice::ReadOnly));
        const QByteArray truncated = jpeg.read(300);
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) +
                               QByteArray("not the rest of a PNG file\n").repeated(20);
        for (const auto& [name, bytes] : {std::pair{QStringLiteral("broken.jpg"), truncated},
                                          std::pair{QStringLiteral("damaged/half.png"), png}}) {
            QFile file(photo(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(bytes), bytes.size());
        }
        const AppSettings settings =
            tinySettings(work_.filePath(QStringLiteral("library.sqlite3")));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        QVERIFY(session_->hasModel());

        window_ = std::make_unique<MainWindow>();
        QVERIFY(abc::test::showWindow(*window_, session_));
        QVERIFY(abc::test::addAndIndex(*window_, photos_));
        QCOMPARE(session_->store->failures().size(), std::size_t{2});
    }

    void detailPaneShowsTheExifDateTaken() {
        MainWindow& window = *window_;
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a photo"));
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Return);
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(window.resultsModel()->rowCount(), 2);

        // The library recorded the EXIF date while indexing; the pane shows it, not the file's.
        const auto file = session_->store->fileByPath(photo("dated.jpg").toStdString());
        QVERIFY(file);
        QCOMPARE(session_->store->photo(file->second)->takenAt.value_or(""),
                 std::string("2021-07-01 12:34:56"));
        auto* pane = findNamed<abc::ui::DetailPane>(window, "detailPane");
        QSignalSpy dated(pane, &abc::ui::DetailPane::dateShown);
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(rowOf(window, photo("dated.jpg"))));
        QTRY_COMPARE_WITH_TIMEOUT(pane->path(), photo("dated.jpg"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(dated.count() > 0, kWaitMs);
        const QString taken = QLocale().toString(QDateTime(QDate(2021, 7, 1), QTime(12, 34, 56)),
                                                 QLocale::ShortFormat);
        QCOMPARE(pane->dateText(), QStringLiteral("taken ") + taken);
        QVERIFY2(pane->infoText().contains(QStringLiteral("taken ") + taken),
                 qPrintable(pane->infoText()));
        QVERIFY(!pane->infoText().contains(QStringLiteral("modified")));
        auto* info = pane->findChild<QLabel*>(QStringLiteral("detailInfo"));
        QVERIFY(info->toolTip().contains(QStringLiteral("EXIF")));

        // A photo without one: the file's modification time, labelled as such.
        dated.clear();
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(rowOf(window, photo("undated.jpg"))));
        QTRY_COMPARE_WITH_TIMEOUT(pane->path(), photo("undated.jpg"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(dated.count() > 0, kWaitMs);
        const QString modified = QLocale().toString(QFileInfo(photo("undated.jpg")).lastModified(),
                                                    QLocale::ShortFormat);
        QCOMPARE(pane->dateText(), QStringLiteral("file modified ") + modified);
        QVERIFY(info->toolTip().contains(QStringLiteral("no date taken")));
        QVERIFY(pane->infoText().contains(QStringLiteral("score ")));
    }

    void sidebarNamesTheUnreadableFilesAndWhy() {
        MainWindow& window = *window_;
        auto* panel = findNamed<abc::ui::FoldersPanel>(window, "foldersPanel");
        auto* list = panel->list();
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(list->item(0)->text().contains("2 could not be read"), kWaitMs);

        // What the store recorded, path and reason, is what the window shows.
        QHash<QString, QString> recorded;
        for (const auto& failure : session_->store->failures()) {
            QVERIFY(!failure.reason.empty());
            recorded.insert(QString::fromStdString(failure.path),
                            QString::fromStdString(failure.reason));
        }
        QCOMPARE(QSet<QString>(recorded.keyBegin(), recorded.keyEnd()),
                 QSet<QString>({photo("broken.jpg"), photo("damaged/half.png")}));
        const auto failures = panel->failuresOf(photos_);
        QCOMPARE(failures.size(), 2);
        QCOMPARE(failures[0].path, photo("broken.jpg"));  // sorted by path
        for (const auto& failure : failures)
            QCOMPARE(failure.reason, recorded.value(failure.path));

        // The tooltip names them, relative to the folder, with the reason.
        const QString tip = list->item(0)->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("broken.jpg: ") + recorded.value(photo("broken.jpg"))),
                 qPrintable(tip));
        QVERIFY2(tip.contains(QDir::toNativeSeparators("damaged/half.png") + ": "),
                 qPrintable(tip));

        // A link under the list leads to them without knowing about the context menu.
        auto* link = panel->failuresLink();
        QVERIFY(link->isVisible());
        QVERIFY2(
            link->text().contains(QStringLiteral("Not indexed in photos: 2 could not be read.")),
            qPrintable(link->text()));
        QVERIFY(link->textInteractionFlags() & Qt::LinksAccessibleByKeyboard);
        QVERIFY(!link->accessibleName().isEmpty());
        emit link->linkActivated(photos_);
        auto* fromLink = panel->findChild<abc::ui::FailedFilesDialog*>();
        QVERIFY(fromLink && fromLink->isVisible());
        QCOMPARE(fromLink->table()->rowCount(), 2);
        fromLink->close();
        QTRY_VERIFY(!panel->findChild<abc::ui::FailedFilesDialog*>());

        // The folder's context menu (right click, or the Menu key) opens the list.
        list->setCurrentRow(0);
        bool offered = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu)
                return;
            for (QAction* action : menu->actions()) {
                if (action->text().startsWith(QStringLiteral("Files not indexed (2)"))) {
                    offered = action->isEnabled();
                    menu->setActiveAction(action);
                }
            }
            QTest::keyClick(menu, Qt::Key_Return);
        });
        const QPoint itemCentre = list->visualItemRect(list->item(0)).center();
        QContextMenuEvent menuEvent(QContextMenuEvent::Mouse, itemCentre,
                                    list->viewport()->mapToGlobal(itemCentre));
        QApplication::sendEvent(list->viewport(), &menuEvent);
        QCoreApplication::processEvents();
        QVERIFY(offered);
        auto* dialog = panel->findChild<abc::ui::FailedFilesDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        QTableWidget* table = dialog->table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->columnCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("broken.jpg"));
        QCOMPARE(table->item(0, 0)->toolTip(), QDir::toNativeSeparators(photo("broken.jpg")));
        QCOMPARE(table->item(0, 1)->text(), recorded.value(photo("broken.jpg")));
        QCOMPARE(table->item(1, 0)->text(), QDir::toNativeSeparators("damaged/half.png"));
        QCOMPARE(table->item(1, 1)->text(), recorded.value(photo("damaged/half.png")));
        QVERIFY(!table->accessibleName().isEmpty());
        dialog->findChild<QPushButton*>(QStringLiteral("copyFailedFiles"))->click();
        QCOMPARE(QApplication::clipboard()->text(),
                 photo("broken.jpg") + "\t" + recorded.value(photo("broken.jpg")) + "\n" +
                     photo("damaged/half.png") + "\t" + recorded.value(photo("damaged/half.png")));
        QDir().mkpath(QStringLiteral(ABC_BUILD_DIR "/screenshots"));
        QVERIFY(dialog->grab().save(QStringLiteral(ABC_BUILD_DIR "/screenshots/failed_files.png")));
        dialog->close();

        // A folder without failures offers none.
        findNamed<abc::ui::FoldersPanel>(window, "foldersPanel")->setStates({});
        QVERIFY(!link->isVisible());
        QVERIFY(!panel->showFailures(photos_));
    }

    void cleanupTestCase() {
        window_.reset();
        session_.reset();
    }
};

QTEST_MAIN(TestUiPhotoFacts)
#include "test_ui_photo_facts.moc"
