// A photo that never finishes reading or decoding costs its time limit, not the run: the
// product decoder gives up on it with a reason naming the file and the time, and indexing goes
// on with the next photo. The hang is real: a FIFO where a photo was blocks open() until a
// writer comes, as a stalled network share does.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "core/io/error.h"
#include "core/io/time_limit.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_indexer.h"
#include "support/photo_files.h"
#include "test_library_fakes.h"

using namespace abc;
using namespace std::chrono_literals;

namespace {

void makeFifo(const QString& path) {
    QFile::remove(path);
    if (mkfifo(QFile::encodeName(path).constData(), 0644) != 0) {
        qFatal("mkfifo %s failed", qPrintable(path));
    }
}

// A writer that opens and closes the FIFO releases a reader blocked in open(): it then reads
// end-of-file, so an abandoned call ends.
void releaseFifoReaders(const QString& path) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) {
        ::close(fd);
    }
}

PhotoDecoderOptions limited(std::chrono::milliseconds limit) {
    PhotoDecoderOptions options = decoderOptionsForImageTokens(256);
    options.timeLimit = limit;
    return options;
}

// What indexWithAStall saw.
struct StalledRun {
    IndexSummary summary;
    std::vector<IndexFailure> stored;  // the library's failures after the run
    QString hung;                      // the photo that turned into a FIFO
    bool swapped = false;
    qint64 elapsedMs = 0;
};

// The real indexer on photos p0.jpg .. p<count-1>.jpg in a new folder and library, one hash
// and one decode thread (a hang without a limit would stop the run) and a 0.5 s limit. When the
// run first reports `phase`, p<hungIndex>.jpg turns into a FIFO: a share that stalls mid-run.
StalledRun indexWithAStall(int count, int hungIndex, IndexProgress::Phase phase) {
    QTemporaryDir dir;
    const QString root = QDir(dir.path()).canonicalPath() + "/photos";
    for (int i = 0; i < count; ++i) {
        test::writeImage(root + QString("/p%1.jpg").arg(i), i, "JPEG");
    }
    StalledRun run;
    run.hung = root + QString("/p%1.jpg").arg(hungIndex);
    LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
    test::FakeEmbedder embedder;
    const auto decoder = makePhotoDecoder(limited(500ms));
    PhotoIndexer indexer(store, embedder, *decoder);
    IndexOptions options;
    options.folders = {root.toStdString()};
    options.hashThreads = 1;
    options.decodeThreads = 1;
    QElapsedTimer timer;
    timer.start();
    run.summary = indexer.run(options, [&](const IndexProgress& progress) {
        if (progress.phase == phase && !run.swapped) {
            makeFifo(run.hung);
            run.swapped = true;
        }
    });
    run.elapsedMs = timer.elapsed();
    run.stored = store.failures();
    releaseFifoReaders(run.hung);
    return run;
}

}  // namespace

class TestPhotoDecodeTimeLimit : public QObject {
    Q_OBJECT

  private slots:
    void init() { QCOMPARE(abandonedCallsRunning(), 0); }

    void cleanup() {
        // Nothing an abandoned call holds may outlive the test that made it.
        QTRY_COMPARE_WITH_TIMEOUT(abandonedCallsRunning(), 0, 10000);
    }

    void aHungDecodeIsAbandonedAtTheLimit() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("IMG_0001.jpg");
        makeFifo(fifo);
        const auto decoder = makePhotoDecoder(limited(500ms));
        QElapsedTimer timer;
        timer.start();
        try {
            decoder->preprocess(fifo.toStdString());
            QFAIL("a FIFO without a writer decoded");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), fifo);
            QVERIFY2(e.problem().starts_with("still decoding after 0.5 s"), e.what());
        }
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(abandonedCallsRunning(), 1);
        releaseFifoReaders(fifo);
    }

    void aHungProbeIsAbandonedAtTheLimit() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("IMG_0002.heic");
        makeFifo(fifo);
        const auto decoder = makePhotoDecoder(limited(300ms));
        PhotoFacts facts;
        try {
            decoder->probe(fifo.toStdString(), facts);
            QFAIL("a FIFO without a writer was probed");
        } catch (const Error& e) {
            QVERIFY2(e.problem().starts_with("still reading after 0.3 s"), e.what());
        }
        QCOMPARE(abandonedCallsRunning(), 1);
        releaseFifoReaders(fifo);
    }

    // The limit changes nothing for a photo that decodes: same patches, same facts, errors of
    // the file itself passed through as they are.
    void aPhotoWithinTheLimitDecodesAsWithout() {
        QTemporaryDir dir;
        const QString photo = dir.filePath("photo.jpg");
        test::writeImage(photo, 7, "JPEG");
        const auto withLimit = makePhotoDecoder(limited(30s));
        const auto without = makePhotoDecoder(limited(0ms));
        const auto a = withLimit->preprocess(photo.toStdString());
        const auto b = without->preprocess(photo.toStdString());
        QVERIFY(a && b);
        QCOMPARE(a->grid.h, b->grid.h);
        QCOMPARE(a->grid.w, b->grid.w);
        QVERIFY(a->values == b->values);
        PhotoFacts factsA, factsB;
        withLimit->probe(photo.toStdString(), factsA);
        without->probe(photo.toStdString(), factsB);
        QCOMPARE(factsA.width, factsB.width);
        QCOMPARE(factsA.height, 42);

        const QString broken = dir.filePath("broken.png");
        test::writeFile(broken, "not a png at all");
        try {
            withLimit->preprocess(broken.toStdString());
            QFAIL("a broken file decoded");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), broken);
            QVERIFY2(e.problem().find("still") == std::string::npos, e.what());
        }
    }

    // The decoder outlives nothing it needs: destroyed while its abandoned call still runs,
    // the call ends cleanly once the read returns (ASan or a crash would say otherwise).
    void anAbandonedCallOutlivesItsDecoder() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("stalled.jpg");
        makeFifo(fifo);
        {
            const auto decoder = makePhotoDecoder(limited(200ms));
            QVERIFY_THROWS_EXCEPTION(Error, decoder->preprocess(fifo.toStdString()));
        }
        QCOMPARE(abandonedCallsRunning(), 1);
        releaseFifoReaders(fifo);
    }

    // The content hash of a new file is the first read of it: bounded by the same limit.
    void indexingGoesOnPastAFileThatHangsWhenHashed() {
        const StalledRun run = indexWithAStall(3, 1, IndexProgress::Phase::Hashing);
        QVERIFY(run.swapped);
        QCOMPARE(run.summary.added, std::size_t{2});
        QCOMPARE(run.summary.embedded, std::size_t{2});
        QCOMPARE(run.summary.failures.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(run.summary.failures[0].path), run.hung);
        QVERIFY2(run.summary.failures[0].reason.starts_with("still reading after 0.5 s"),
                 run.summary.failures[0].reason.c_str());
    }

    // A photo that turns into a FIFO after it was recorded is reported with its reason when
    // decoded, and the others are embedded.
    void indexingGoesOnPastAHungPhoto() {
        const StalledRun run = indexWithAStall(4, 2, IndexProgress::Phase::Embedding);
        QVERIFY(run.swapped);
        QVERIFY2(run.elapsedMs < 20000, qPrintable(QString::number(run.elapsedMs)));
        QCOMPARE(run.summary.embedded, std::size_t{3});
        QCOMPARE(run.summary.failures.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(run.summary.failures[0].path), run.hung);
        QVERIFY2(run.summary.failures[0].reason.starts_with("still decoding after 0.5 s"),
                 run.summary.failures[0].reason.c_str());
        QCOMPARE(run.stored.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(run.stored[0].path), run.hung);
    }
};

QTEST_GUILESS_MAIN(TestPhotoDecodeTimeLimit)
#include "test_photo_decode_time_limit.moc"
