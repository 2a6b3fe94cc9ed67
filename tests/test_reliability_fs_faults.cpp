// File-system faults met by the real `abc-photos-cli`: the disk filling up during a commit and
// a library on a read-only file system (both on a small tmpfs the test mounts), and photos
// deleted or renamed while an index runs. Each must end in a clear error naming the library,
// an intact SQLite file, and every vector committed before still there byte for byte.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/io/error.h"
#include "core/library/sqlite_database.h"
#include "tests/support/cli_process.h"
#include "tests/support/photo_files.h"

using namespace abc;
namespace fs = std::filesystem;

namespace {

QStringList indexArgs(const QString& folder, const QString& db) {
    return QStringList{"index", folder, "--db", db, "--max-image-tokens", "16"} +
           test::tinyModelArgs();
}

// content hash -> vector BLOB, after checking the file's integrity.
std::map<std::string, std::vector<std::uint8_t>> committedVectors(const QString& db) {
    SqliteDatabase database(db.toStdString(), SqliteDatabase::Mode::ReadOnly);
    SqliteStatement check(database, "PRAGMA integrity_check");
    if (!check.step() || check.columnText(0) != "ok") {
        throw Error(db.toStdString(), "integrity_check failed");
    }
    std::map<std::string, std::vector<std::uint8_t>> vectors;
    SqliteStatement rows(database,
                         "SELECT p.content_hash, v.vector FROM vectors v JOIN photos p ON "
                         "p.id = v.photo_id");
    while (rows.step()) {
        const auto blob = rows.columnBlob(1);
        vectors[rows.columnText(0)] = {blob.begin(), blob.end()};
    }
    return vectors;
}

bool containsAll(const std::map<std::string, std::vector<std::uint8_t>>& after,
                 const std::map<std::string, std::vector<std::uint8_t>>& before) {
    for (const auto& [hash, blob] : before) {
        const auto it = after.find(hash);
        if (it == after.end() || it->second != blob) {
            return false;
        }
    }
    return true;
}

// A small tmpfs of the test's own: a real file system that fills up or turns read-only.
class ScratchFileSystem {
  public:
    explicit ScratchFileSystem(const QString& where, const char* size) : path_(where) {
        QDir().mkpath(where);
        const std::string options = std::string("size=") + size;
        mounted_ =
            ::mount("tmpfs", where.toLocal8Bit().constData(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~ScratchFileSystem() {
        if (mounted_) {
            ::umount2(path_.toLocal8Bit().constData(), MNT_DETACH);
        }
    }
    bool mounted() const { return mounted_; }
    bool remount(unsigned long flags) {
        return ::mount("tmpfs", path_.toLocal8Bit().constData(), "tmpfs", MS_REMOUNT | flags,
                       nullptr) == 0;
    }

  private:
    QString path_;
    bool mounted_ = false;
};

// Fills the file system up to `leaveBytes` free.
void fill(const QString& folder, std::uintmax_t leaveBytes) {
    const auto space = fs::space(folder.toStdString());
    std::ofstream filler((folder + "/filler").toStdString(), std::ios::binary);
    const std::string block(4096, 'x');
    for (std::uintmax_t left = space.available; left > leaveBytes + block.size();
         left -= block.size()) {
        filler.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
}

}  // namespace

class TestReliabilityFsFaults : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        photos_ = dir_.filePath("photos");
        test::writePatternPhotos(photos_, 0, 40);
    }

    void fullDiskDuringACommitLosesNothing() {
        ScratchFileSystem disk(dir_.filePath("small-disk"), "6M");
        if (!disk.mounted()) {
            QSKIP("mounting a tmpfs needs root (CI runs as root): the full-disk case did not run");
        }
        const QString db = dir_.filePath("small-disk/library.sqlite3");
        auto run = test::runCli(indexArgs(photos_, db));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto before = committedVectors(db);
        QCOMPARE(before.size(), std::size_t(40));

        // More photos, and almost no room left for them.
        const QString more = dir_.filePath("more");
        test::writePatternPhotos(more, 40, 120);
        fill(dir_.filePath("small-disk"), 16 * 1024);
        run = test::runCli(indexArgs(more, db));
        QVERIFY2(run.exitCode == 1, qPrintable(QString::number(run.exitCode) + run.out + run.err));
        QVERIFY2(run.err.contains(db.toUtf8()) && run.err.contains("the disk is full"),
                 run.err.constData());
        qInfo("full disk: %s", run.err.trimmed().constData());
        const auto after = committedVectors(db);
        QVERIFY(containsAll(after, before));

        // Room again: the next run finishes what the full disk stopped.
        QVERIFY(QFile::remove(dir_.filePath("small-disk/filler")));
        run = test::runCli(indexArgs(more, db));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto finished = committedVectors(db);
        QCOMPARE(finished.size(), std::size_t(160));
        QVERIFY(containsAll(finished, after));
    }

    void readOnlyLibraryIsAClearErrorAndStillSearchable() {
        ScratchFileSystem disk(dir_.filePath("read-only"), "8M");
        if (!disk.mounted()) {
            QSKIP("mounting a tmpfs needs root (CI runs as root): the read-only case did not run");
        }
        const QString db = dir_.filePath("read-only/library.sqlite3");
        auto run = test::runCli(indexArgs(photos_, db));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto before = committedVectors(db);
        test::writePatternPhotos(dir_.filePath("later"), 200, 3);
        QVERIFY(disk.remount(MS_RDONLY));

        run = test::runCli(indexArgs(dir_.filePath("later"), db));
        QVERIFY2(run.exitCode == 1, qPrintable(QString::number(run.exitCode) + run.out + run.err));
        QVERIFY2(run.err.contains(db.toUtf8()) && run.err.contains("cannot be written"),
                 run.err.constData());
        qInfo("read-only: %s", run.err.trimmed().constData());
        const auto search = test::runCli(
            QStringList{"search", "a photo", "--db", db, "--top", "3", "--max-image-tokens", "16"} +
            test::tinyModelArgs());
        QVERIFY2(search.exitCode == 0, search.err.constData());
        QCOMPARE(search.out.count('\n'), 3);
        QVERIFY(disk.remount(0));
        QVERIFY(containsAll(committedVectors(db), before));
    }

    void photosDeletedOrRenamedWhileIndexing() {
        const QString folder = dir_.filePath("changing");
        test::writePatternPhotos(folder, 100, 150);
        const QString db = dir_.filePath("changing.sqlite3");
        QProcess index;
        index.setProcessChannelMode(QProcess::MergedChannels);  // progress is on stderr
        index.start(QStringLiteral(ABC_CLI_PATH), indexArgs(folder, db));
        QVERIFY(index.waitForStarted());
        // Once it is embedding (the scan and the hashing saw every file): delete every third
        // photo, rename every fifth.
        QByteArray progress;
        QTRY_VERIFY_WITH_TIMEOUT((progress += index.readAllStandardOutput()).contains("embedding"),
                                 60000);
        for (int i = 100; i < 250; ++i) {
            const QString path = folder + QString("/photo%1.png").arg(i, 3, 10, QChar('0'));
            if (i % 3 == 0) {
                QFile::remove(path);
            } else if (i % 5 == 0) {
                QFile::rename(path, folder + QString("/renamed%1.png").arg(i));
            }
        }
        QVERIFY(index.waitForFinished(120000));
        progress += index.readAllStandardOutput();
        QVERIFY2(index.exitStatus() == QProcess::NormalExit && index.exitCode() == 0,
                 progress.constData());
        // The photos that vanished under it are reported, not a crash or a stop.
        QVERIFY2(progress.contains("could not index"), progress.constData());
        qInfo("%s", progress.mid(progress.indexOf("scanned"), 240).constData());
        QVERIFY(committedVectors(db).size() <= 150);  // intact, whatever it got to

        // The next run sees the folder as it is now: every photo there, nothing else.
        const auto again = test::runCli(indexArgs(folder, db));
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const auto status = test::runCli({"status", "--db", db, "--json"});
        QVERIFY2(status.exitCode == 0, status.err.constData());
        SqliteDatabase database(db.toStdString(), SqliteDatabase::Mode::ReadOnly);
        SqliteStatement files(database, "SELECT path FROM files ORDER BY path");
        QStringList recorded;
        while (files.step()) {
            recorded << QString::fromStdString(files.columnText(0));
        }
        QStringList onDisk;
        for (const QString& name : QDir(folder).entryList(QDir::Files, QDir::Name)) {
            onDisk << folder + "/" + name;
        }
        QCOMPARE(recorded, onDisk);
        QCOMPARE(committedVectors(db).size(), static_cast<std::size_t>(onDisk.size()));
        SqliteStatement failures(database, "SELECT count(*) FROM failures");
        QVERIFY(failures.step());
        QCOMPARE(failures.columnInt(0), std::int64_t{0});
    }

  private:
    QTemporaryDir dir_;
    QString photos_;
};

QTEST_GUILESS_MAIN(TestReliabilityFsFaults)
#include "test_reliability_fs_faults.moc"
