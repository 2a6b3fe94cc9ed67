// The folder watch and the coalescing behind it: a burst of events makes one batch of the
// topmost changed folders, due after a quiet period (or at the latest `longest` after the
// burst began); the inotify watch reports the folder of each created, written, touched,
// removed or moved file, watches folders created later, leaves out hidden files and the
// library's own, and says when the cap on watched folders was hit. Real folders and files.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "core/library/change_coalescer.h"
#include "core/library/folder_watch.h"
#include "support/photo_files.h"

using namespace abc;
using namespace std::chrono_literals;
using Clock = ChangeCoalescer::Clock;

namespace {

// What the watch reports within `within`, gathered over several waits.
std::set<std::string> changesWithin(FolderWatch& watch, std::chrono::milliseconds within) {
    std::set<std::string> seen;
    const auto until = Clock::now() + within;
    while (Clock::now() < until) {
        for (const std::string& folder : watch.wait(50ms))
            seen.insert(folder);
    }
    return seen;
}

std::set<std::string> only(const QString& folder) {
    return {QDir::cleanPath(folder).toStdString()};
}

}  // namespace

class TestLibraryFolderWatch : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() { QVERIFY(work_.isValid()); }

    void manyEventsMakeOneBatchOnceQuiet() {
        ChangeCoalescer changes(2000ms);
        const Clock::time_point start = Clock::now();
        // A thousand files copied over three seconds, in two folders and one below another.
        for (int i = 0; i < 1000; ++i) {
            const auto at = start + std::chrono::milliseconds(i * 3);
            changes.note(i % 2 ? "/photos/2024" : "/photos/2024/trip", at);
            changes.note("/photos/2023", at);
            QVERIFY(!changes.take(at + 1999ms).has_value());  // never due while events come
        }
        const auto last = start + 2997ms;
        QVERIFY(!changes.take(last + 1999ms).has_value());
        const auto batch = changes.take(last + 2000ms);
        QVERIFY(batch.has_value());
        QCOMPARE(batch->folders, (std::vector<std::string>{"/photos/2023", "/photos/2024"}));
        QVERIFY(batch->lastChange == last);
        QVERIFY(!changes.pending());
        QVERIFY(!changes.take(last + 10s).has_value());  // taken once
    }

    void aBurstThatGoesOnIsReportedAtTheLongest() {
        ChangeCoalescer changes(2000ms, 30s);
        const Clock::time_point start = Clock::now();
        int batches = 0;
        // An event each second for a minute: a batch every 30 s, not none and not sixty.
        for (int second = 0; second <= 61; ++second) {
            const auto at = start + std::chrono::seconds(second);
            changes.note("/photos", at);
            if (changes.take(at))
                ++batches;
        }
        QCOMPARE(batches, 2);
        QVERIFY(!changes.pending());
    }

    void aParentNotedLaterTakesInItsSubfolders() {
        ChangeCoalescer changes(10ms);
        const auto now = Clock::now();
        changes.note("/p/a/b", now);
        changes.note("/p/ab", now);
        changes.note("/p/a", now);
        const auto batch = changes.take(now + 10ms);
        QVERIFY(batch.has_value());
        QCOMPARE(batch->folders, (std::vector<std::string>{"/p/a", "/p/ab"}));
    }

    void theWatchReportsTheFolderOfEachChange() {
        const QString root = QDir(work_.filePath("library")).absolutePath();
        const QString sub = root + "/2024/trip";
        abc::test::writeImage(root + "/a.png", 1);
        abc::test::writeImage(sub + "/b.png", 2);
        const QString database = root + "/library.sqlite3";
        abc::test::writeFile(database, "db");
        FolderWatch watch(100, {database.toStdString(), (database + "-wal").toStdString()});
        watch.watch({root.toStdString()});
        QCOMPARE(watch.watchedFolders(), std::size_t{3});
        QVERIFY(watch.complete());
        QVERIFY(watch.wait(0ms).empty());

        abc::test::writeImage(sub + "/new.png", 3);  // created
        QCOMPARE(changesWithin(watch, 300ms), only(sub));
        abc::test::writeImage(root + "/a.png", 4);  // written again in place
        QCOMPARE(changesWithin(watch, 300ms), only(root));
        QVERIFY(QFile::remove(sub + "/b.png"));  // removed
        QCOMPARE(changesWithin(watch, 300ms), only(sub));
        QVERIFY(QFile::rename(sub + "/new.png", root + "/moved.png"));  // moved across
        QCOMPARE(changesWithin(watch, 300ms),
                 (std::set<std::string>{root.toStdString(), sub.toStdString()}));
        // The library's own files and hidden ones are not photo changes.
        abc::test::writeFile(database, "db, written");
        abc::test::writeFile(database + "-wal", "wal");
        abc::test::writeFile(root + "/.thumbnail.png", "hidden");
        QCOMPARE(changesWithin(watch, 300ms), std::set<std::string>{});

        // A folder made later is watched from then on.
        const QString later = root + "/2025";
        QVERIFY(QDir().mkpath(later));
        QCOMPARE(changesWithin(watch, 300ms), only(root));
        QCOMPARE(watch.watchedFolders(), std::size_t{4});
        abc::test::writeImage(later + "/c.png", 5);
        QCOMPARE(changesWithin(watch, 300ms), only(later));
        // A removed folder is reported through its parent.
        QVERIFY(QDir(later).removeRecursively());
        const auto removed = changesWithin(watch, 300ms);
        QVERIFY(removed.contains(root.toStdString()));
    }

    void theCapOnWatchedFoldersIsSaid() {
        const QString root = QDir(work_.filePath("many")).absolutePath();
        for (int i = 0; i < 10; ++i)
            QVERIFY(QDir().mkpath(QStringLiteral("%1/folder_%2").arg(root).arg(i)));
        FolderWatch watch(4);
        watch.watch({root.toStdString()});
        QCOMPARE(watch.watchedFolders(), std::size_t{4});
        QVERIFY(!watch.complete());
    }

    void interruptEndsAWaitAtOnce() {
        FolderWatch watch;
        watch.watch({work_.path().toStdString()});
        std::thread other([&watch] {
            std::this_thread::sleep_for(100ms);
            watch.interrupt();
        });
        const auto start = Clock::now();
        QVERIFY(watch.wait(10s).empty());
        other.join();
        QVERIFY(Clock::now() - start < 5s);
    }
};

QTEST_GUILESS_MAIN(TestLibraryFolderWatch)
#include "test_library_folder_watch.moc"
