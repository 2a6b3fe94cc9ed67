// The library stays current without being asked: photos copied into a library folder (or a
// folder below it), written over or deleted are indexed or forgotten a few seconds after the
// changes stop, in one run over just those folders, and the subfolders do not become library
// folders of their own. Many file events make one report; past the cap on watched folders
// the watcher says so and looks at the folders periodically instead. Settings turn it off.
// Real tiny ABC checkpoint, real SQLite library, real files, the real inotify watch.
#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/model/device.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/folder_watcher.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::FolderWatcher;
using abc::ui::MainWindow;
using namespace std::chrono_literals;

namespace {

constexpr int kWaitMs = abc::test::kWindowWaitMs;

std::int64_t vectorsOf(const EngineSession& session) {
    const auto model = session.store->findModel(session.embedder->fingerprint());
    return model ? session.store->vectorCount(*model, "") : 0;
}

bool recorded(const EngineSession& session, const QString& path) {
    return session.store->fileByPath(path.toStdString()).has_value();
}

// Whether the library's record of `path` differs from `before` (size or modification time).
bool recordedOtherThan(const EngineSession& session, const QString& path,
                       const abc::PhotoFile& before) {
    const auto file = session.store->fileByPath(path.toStdString());
    return file && !file->first.looksUnchangedFrom(before);
}

}  // namespace

class TestUiFolderWatch : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        QVERIFY(work_.isValid());
        // Settings of its own, the shared settings file too: the window writes it when
        // Settings change, and other tests running meanwhile read theirs.
        qputenv("HOME", QFile::encodeName(work_.path()));
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-folder-watch-test"));
    }

    void manyFileEventsMakeOneReport() {
        const QString root = QDir(work_.filePath("burst")).absolutePath();
        QVERIFY(QDir().mkpath(root + "/sub"));
        FolderWatcher::Limits limits;
        limits.quiet = 400ms;
        FolderWatcher watcher(limits);
        QSignalSpy changed(&watcher, &FolderWatcher::foldersChanged);
        watcher.watch({root});
        QTest::qWait(200);  // the watch is set up on its thread
        for (int i = 0; i < 60; ++i) {
            abc::test::writeImage(
                QStringLiteral("%1/%2/photo_%3.png")
                    .arg(root, i % 3 ? QStringLiteral(".") : QStringLiteral("sub"))
                    .arg(i),
                i);
        }
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
        QTest::qWait(1000);  // nothing more comes of the same burst
        QCOMPARE(changed.size(), 1);
        // The root covers its subfolder: one folder to index again.
        QCOMPARE(changed.first().first().toStringList(), QStringList{root});
        QVERIFY(changed.first().at(1).toLongLong() <= QDateTime::currentMSecsSinceEpoch());
    }

    void pastTheCapTheFoldersAreLookedAtPeriodically() {
        const QString root = QDir(work_.filePath("capped")).absolutePath();
        for (int i = 0; i < 5; ++i)
            QVERIFY(QDir().mkpath(QStringLiteral("%1/folder_%2").arg(root).arg(i)));
        FolderWatcher::Limits limits;
        limits.maxFolders = 3;
        limits.rescanInterval = 500ms;
        FolderWatcher watcher(limits);
        QSignalSpy limited(&watcher, &FolderWatcher::watchLimitReached);
        QSignalSpy changed(&watcher, &FolderWatcher::foldersChanged);
        watcher.watch({root});
        QTRY_COMPARE_WITH_TIMEOUT(limited.size(), 1, 5000);
        QCOMPARE(limited.first().first().toInt(), 3);
        // Nothing changed, and still the whole library is looked at again, now and then.
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 2, 5000);
        QCOMPARE(changed.first().first().toStringList(), QStringList{root});
    }

    void newChangedAndRemovedPhotosFollowTheFolders() {
        const QString folder = QDir(work_.filePath("photos")).absolutePath();
        abc::test::writePatternPhotos(folder, 0, 3);
        const AppSettings settings = abc::test::tinySettings(work_.filePath("library.sqlite3"));
        settings.save();  // what the window starts with, and Settings edit
        const auto session =
            EngineSession::loadModel(*EngineSession::openLibrary(settings), settings);
        MainWindow window;
        QVERIFY(window.settings().watchFolders);  // on unless turned off
        QVERIFY(abc::test::showWindow(window, session));
        QVERIFY(abc::test::addAndIndex(window, folder));
        QCOMPARE(vectorsOf(*session), std::int64_t{3});
        QSignalSpy updated(&window, &MainWindow::folderChangesIndexed);

        // A photo copied in: recorded and embedded without Index now.
        const QString added = folder + "/copied_in.png";
        abc::test::writeImage(added, 10);
        QTRY_VERIFY_WITH_TIMEOUT(recorded(*session, added), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(vectorsOf(*session), std::int64_t{4}, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isIndexing(), kWaitMs);
        QVERIFY(!updated.isEmpty());
        QVERIFY(updated.last().first().toBool());

        // One deleted: forgotten, and no longer found.
        const QString removed = folder + "/photo000.png";
        QVERIFY(QFile::remove(removed));
        QTRY_VERIFY_WITH_TIMEOUT(!recorded(*session, removed), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isIndexing(), kWaitMs);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), 3);

        // One written over with another picture: read and embedded again.
        const QString edited = folder + "/photo001.png";
        const auto before = session->store->fileByPath(edited.toStdString());
        QVERIFY(before.has_value());
        QTest::qWait(20);  // a modification time of its own
        abc::test::writeImage(edited, 200);
        QTRY_VERIFY_WITH_TIMEOUT(recordedOtherThan(*session, edited, before->first), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isIndexing(), kWaitMs);
        QVERIFY(session->store->fileByPath(edited.toStdString())->second != before->second);

        // A folder made below the library's: its photos come in, it is no library folder.
        const QString below = folder + "/2024/trip";
        abc::test::writeImage(below + "/beach.png", 11);
        QTRY_VERIFY_WITH_TIMEOUT(recorded(*session, below + "/beach.png"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isIndexing(), kWaitMs);
        QCOMPARE(session->store->folders(), std::vector<std::string>{folder.toStdString()});
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), 4);

        // Settings turn it off: new photos wait for Index now.
        abc::ui::SettingsDialog dialog(window.settings(), abc::runtimeInfo());
        auto* box = findNamed<QCheckBox>(dialog, "watchFolders");
        QVERIFY(box->isChecked());
        box->setChecked(false);
        window.applySettings(dialog.settings());
        QVERIFY(!AppSettings::load().watchFolders);
        const QString unwatched = folder + "/after_turning_off.png";
        abc::test::writeImage(unwatched, 12);
        QTest::qWait(4000);  // twice the quiet period
        QVERIFY(!window.isIndexing());
        QVERIFY(!recorded(*session, unwatched));
        QVERIFY(abc::test::indexAgain(window));
        QVERIFY(recorded(*session, unwatched));
    }
};

QTEST_MAIN(TestUiFolderWatch)
#include "test_ui_folder_watch.moc"
