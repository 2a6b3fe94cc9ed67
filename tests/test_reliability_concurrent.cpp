// One library used by several programs at once, as people do: two `abc-photos-cli index`
// runs, a `search` while an index runs, and the desktop application's indexer (PhotoIndexer
// in this process, as its index worker runs it) beside a CLI index of the same folder. No run
// may fail with "database is locked", and the file must stay whole.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "core/library/sqlite_database.h"
#include "test_library_fakes.h"
#include "tests/support/cli_process.h"
#include "tests/support/photo_files.h"

using namespace abc;

namespace {

constexpr int kPhotos = 240;

QStringList indexArgs(const QString& folder, const QString& db) {
    return QStringList{"index", folder,           "--db", db, "--max-image-tokens",
                       "16",    "--batch-tokens", "64"} +
           test::tinyModelArgs();
}

struct Finished {
    int exitCode = -1;
    QByteArray output;
};

Finished finish(QProcess& process) {
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAll()};
}

void start(QProcess& process, const QStringList& args) {
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(ABC_CLI_PATH), args);
    QVERIFY(process.waitForStarted());
}

std::int64_t count(const QString& db, const char* sql) {
    SqliteDatabase database(db.toStdString(), SqliteDatabase::Mode::ReadOnly);
    SqliteStatement check(database, "PRAGMA integrity_check");
    if (!check.step() || check.columnText(0) != "ok") {
        throw Error(db.toStdString(), "integrity_check failed");
    }
    SqliteStatement statement(database, sql);
    statement.step();
    return statement.columnInt(0);
}

}  // namespace

class TestReliabilityConcurrent : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        photos_ = QDir(dir_.path()).canonicalPath() + "/photos";
        test::writePatternPhotos(photos_, 0, kPhotos);
    }

    void twoIndexRunsAtOnce() {
        const QString db = dir_.filePath("two.sqlite3");
        QProcess first;
        QProcess second;
        start(first, indexArgs(photos_, db));
        start(second, indexArgs(photos_, db));
        const Finished a = finish(first);
        const Finished b = finish(second);
        QVERIFY2(a.exitCode == 0, a.output.constData());
        QVERIFY2(b.exitCode == 0, b.output.constData());
        QVERIFY2(!a.output.contains("locked") && !b.output.contains("locked"),
                 (a.output + b.output).constData());
        QCOMPARE(count(db, "SELECT count(*) FROM files"), std::int64_t{kPhotos});
        QCOMPARE(count(db, "SELECT count(*) FROM vectors"), std::int64_t{kPhotos});
        QCOMPARE(count(db, "SELECT count(*) FROM failures"), std::int64_t{0});
    }

    void searchWhileIndexing() {
        const QString db = dir_.filePath("search.sqlite3");
        test::writePatternPhotos(dir_.filePath("first"), kPhotos, 10);
        QCOMPARE(test::runCli(indexArgs(dir_.filePath("first"), db)).exitCode, 0);
        QProcess index;
        start(index, indexArgs(photos_, db));
        int searches = 0;
        int searchesDuringIndex = 0;
        while (index.state() != QProcess::NotRunning || searches < 3) {
            searchesDuringIndex += index.state() == QProcess::Running ? 1 : 0;
            const auto search = test::runCli(QStringList{"search", "a photo", "--db", db, "--top",
                                                         "5", "--max-image-tokens", "16"} +
                                             test::tinyModelArgs());
            QVERIFY2(search.exitCode == 0, (search.out + search.err).constData());
            QVERIFY(!search.out.isEmpty());
            ++searches;
            index.waitForFinished(10);
        }
        const Finished indexed = finish(index);
        QVERIFY2(indexed.exitCode == 0, indexed.output.constData());
        QCOMPARE(count(db, "SELECT count(*) FROM vectors"), std::int64_t{kPhotos + 10});
        qInfo("%d searches, %d of them started while the index ran", searches, searchesDuringIndex);
        QVERIFY(searchesDuringIndex >= 2);
    }

    void desktopIndexerBesideTheCli() {
        const QString db = dir_.filePath("both.sqlite3");
        QProcess cli;
        start(cli, indexArgs(photos_, db));
        // Both record files at once: the desktop indexer starts as the CLI starts reading.
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += cli.readAll()).contains("reading new files"), 60000);
        IndexSummary summary;
        std::string problem;
        std::thread desktop([&] {
            try {
                // The desktop application opens its own store and runs PhotoIndexer on a
                // worker thread; its vectors here are the fake model's, beside the CLI's.
                LibraryStore store(db.toStdString());
                test::FakeEmbedder embedder;
                test::FakeDecoder decoder;
                PhotoIndexer indexer(store, embedder, decoder);
                IndexOptions options;
                options.folders = {photos_.toStdString()};
                options.maxRecordBatchFiles = 8;
                summary = indexer.run(options);
            } catch (const std::exception& e) {
                problem = e.what();
            }
        });
        desktop.join();
        const Finished fromCli = finish(cli);
        QVERIFY2(problem.empty(), problem.c_str());
        QVERIFY2(fromCli.exitCode == 0, fromCli.output.constData());
        QCOMPARE(summary.failed, std::size_t{0});
        QCOMPARE(count(db, "SELECT count(*) FROM files"), std::int64_t{kPhotos});
        // Every photo, each with a vector from both models.
        QCOMPARE(count(db, "SELECT count(*) FROM vectors"), std::int64_t{2 * kPhotos});
    }

  private:
    QTemporaryDir dir_;
    QString photos_;
};

QTEST_GUILESS_MAIN(TestReliabilityConcurrent)
#include "test_reliability_concurrent.moc"
