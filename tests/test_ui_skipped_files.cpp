// A file under a library folder that is no photo is not silently missing from the window: after
// a real indexing run (tiny ABC checkpoint, real SQLite library) the folders sidebar counts it
// and its dialog lists it with the scanner's reason, next to the photos that failed to decode;
// the sidebar and the link tell the two apart ("could not be read" is for a damaged photo).
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "tests/support/photo_files.h"
#include "ui/engine_session.h"
#include "ui/failed_files_dialog.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"

using abc::test::findNamed;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

class TestUiSkippedFiles : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    std::shared_ptr<EngineSession> session_;
    std::unique_ptr<MainWindow> window_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-skipped-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        abc::test::writeImage(photos_ + "/photo.png", 1);
        abc::test::writeFile(photos_ + "/empty.jpg", {});
        abc::test::writeFile(photos_ + "/notes.webp", "text saved under a photo's name\n");
        abc::test::writeFile(photos_ + "/readme.txt", "not a photo at all\n");
        // A JPEG's first bytes and then nothing a decoder can use: a photo that cannot be read.
        abc::test::writeFile(photos_ + "/damaged.jpg",
                             abc::test::kJpegMagic + QByteArray(200, 'x'));
        QCOMPARE(::mkfifo(QFile::encodeName(photos_ + "/pipe.jpg").constData(), 0600), 0);

        const auto settings = abc::test::tinySettings(work_.filePath("library.sqlite3"));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        QVERIFY(session_->hasModel());
        window_ = std::make_unique<MainWindow>();
        QVERIFY(abc::test::showWindow(*window_, session_));
        QVERIFY(abc::test::addAndIndex(*window_, photos_));
    }

    void theDialogListsEachNonPhotoWithItsReason() {
        auto* panel = findNamed<abc::ui::FoldersPanel>(*window_, "foldersPanel");
        QTRY_VERIFY_WITH_TIMEOUT(panel->failuresLink()->isVisible(), 10000);
        QVERIFY2(panel->failuresLink()->text().contains(
                     "Not indexed in photos: 1 could not be read, 4 not images."),
                 qPrintable(panel->failuresLink()->text()));
        const QString detail = panel->list()->item(0)->text();
        QVERIFY2(detail.endsWith(QStringLiteral("1 photo, all indexed, 1 could not be read, "
                                                "4 not images")),
                 qPrintable(detail));
        QVERIFY(panel->showFailures(photos_));
        auto* dialog = panel->findChild<abc::ui::FailedFilesDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        QHash<QString, QString> reasons;
        for (int row = 0; row < dialog->table()->rowCount(); ++row) {
            reasons.insert(dialog->table()->item(row, 0)->text(),
                           dialog->table()->item(row, 1)->text());
        }
        QCOMPARE(reasons.size(), 5);
        QVERIFY2(!reasons.value("damaged.jpg").startsWith("not an image"),
                 qPrintable(reasons.value("damaged.jpg")));
        QVERIFY2(dialog->findChild<QLabel*>("failedFilesSummary")
                     ->text()
                     .contains(QStringLiteral("1 could not be read, 4 not images")),
                 qPrintable(dialog->findChild<QLabel*>("failedFilesSummary")->text()));
        QCOMPARE(reasons.value("empty.jpg"), QStringLiteral("empty file (0 bytes)"));
        QVERIFY2(reasons.value("notes.webp").startsWith("not an image: named .webp"),
                 qPrintable(reasons.value("notes.webp")));
        QCOMPARE(reasons.value("readme.txt"), QStringLiteral("not an image"));
        QCOMPARE(reasons.value("pipe.jpg"), QStringLiteral("not a regular file (a named pipe)"));
        QVERIFY(!reasons.contains("photo.png"));
        dialog->close();
    }

    void cleanupTestCase() {
        window_.reset();
        session_.reset();
    }
};

QTEST_MAIN(TestUiSkippedFiles)
#include "test_ui_skipped_files.moc"
