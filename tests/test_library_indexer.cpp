// The indexing pipeline on a real folder and a real database, with a fake model injected
// through PhotoEmbedder: incremental re-indexing counts, failures, batching by tokens,
// pause/cancel and resuming without redoing committed work.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>
#include <tuple>

#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "support/photo_files.h"
#include "test_library_fakes.h"

using namespace abc;
using abc::test::writePhoto;

namespace {

std::map<std::string, std::vector<float>> vectorsByHash(LibraryStore& store,
                                                        const std::string& fp) {
    std::map<std::string, std::vector<float>> out;
    const auto model = store.findModel(fp);
    if (!model)
        return out;
    for (const auto& photo : store.allPhotos()) {
        if (auto v = store.vector(photo.id, *model, ""))
            out[photo.contentHash] = *v;
    }
    return out;
}

}  // namespace

class TestLibraryIndexer : public QObject {
    Q_OBJECT

  private slots:
    void reindexDoesOnlyWhatChanged() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 20; ++i) {
            writePhoto(root + QString("/%1/img%2.jpg").arg(i % 3).arg(i),
                       QByteArray::number(i * 7919));
        }
        writePhoto(root + "/bad.jpg", "CORRUPT");
        QFile text(root + "/notes.txt");
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("just text");
        text.close();

        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        options.decodeThreads = 2;
        options.maxBatchTokens = 8;
        std::vector<IndexProgress> seen;
        auto summary = indexer.run(options, [&](const IndexProgress& p) { seen.push_back(p); });
        QCOMPARE(summary.scanned, std::size_t{21});
        QCOMPARE(summary.added, std::size_t{21});
        QCOMPARE(summary.embedded, std::size_t{20});
        // The damaged photo and the text file: nothing under the folder is skipped silently.
        QCOMPARE(summary.failed, std::size_t{2});
        std::map<QString, std::string> reasons;
        for (const auto& failure : summary.failures) {
            reasons[QString::fromStdString(failure.path)] = failure.reason;
        }
        QCOMPARE(reasons.size(), std::size_t{2});
        QVERIFY(reasons[root + "/bad.jpg"].find("damaged") != std::string::npos);
        QCOMPARE(QString::fromStdString(reasons[root + "/notes.txt"]),
                 QStringLiteral("not an image"));
        QCOMPARE(store.failures().size(), std::size_t{2});
        QVERIFY(embedder.batches() > 1);  // the token budget split the work
        QVERIFY(seen.back().phase == IndexProgress::Phase::Finished);
        const auto embedding = std::find_if(seen.rbegin(), seen.rend(), [](auto& p) {
            return p.phase == IndexProgress::Phase::Embedding;
        });
        QVERIFY(embedding != seen.rend());
        QCOMPARE(embedding->done, std::size_t{21});
        QCOMPARE(embedding->total, std::size_t{21});
        const auto firstVectors = vectorsByHash(store, embedder.fingerprint());
        QCOMPARE(firstVectors.size(), std::size_t{20});

        // Nothing changed: nothing is read or embedded, the failure is not retried.
        const int decodedBefore = decoder.decoded.load();
        summary = indexer.run(options);
        QCOMPARE(summary.unchanged, std::size_t{21});  // the broken file is known, not retried
        QCOMPARE(summary.added + summary.changed + summary.moved + summary.embedded,
                 std::size_t{0});
        QCOMPARE(decoder.decoded.load(), decodedBefore);
        QCOMPARE(summary.failed, std::size_t{0});  // both are known and unchanged
        QCOMPARE(store.failures().size(), std::size_t{2});

        // Modify one, delete one, move one, add one, copy one.
        writePhoto(root + "/0/img0.jpg", "new content");
        QVERIFY(QFile::remove(root + "/1/img1.jpg"));
        QVERIFY(QFile::rename(root + "/2/img2.jpg", root + "/moved/img2.jpg") ||
                (QDir().mkpath(root + "/moved") &&
                 QFile::rename(root + "/2/img2.jpg", root + "/moved/img2.jpg")));
        writePhoto(root + "/added.jpg", "brand new");
        QVERIFY(QFile::copy(root + "/0/img3.jpg", root + "/copy-of-3.jpg"));
        const int imagesBefore = embedder.images();
        summary = indexer.run(options);
        QCOMPARE(summary.changed, std::size_t{1});
        QCOMPARE(summary.removed, std::size_t{2});  // the deleted file and the move's old path
        QCOMPARE(summary.moved, std::size_t{1});    // its old path went
        QCOMPARE(summary.copied, std::size_t{1});   // img3 is still where it was
        QCOMPARE(summary.added, std::size_t{1});
        QCOMPARE(summary.embedded, std::size_t{2});  // the modified and the added file only
        QCOMPARE(embedder.images() - imagesBefore, 2);
        QCOMPARE(store.fileCount(), std::int64_t{22});  // 21 - deleted + added + copy
        QCOMPARE(store.photoCount(),
                 std::int64_t{21});  // 20 - deleted - old img0 + new img0 + added + bad
        const auto after = vectorsByHash(store, embedder.fingerprint());
        QCOMPARE(after.size(), std::size_t{20});
        // The moved photo kept its vector.
        const std::string movedHash = hashFileContent((root + "/moved/img2.jpg").toStdString());
        QCOMPARE(after.at(movedHash), firstVectors.at(movedHash));

        // Fixing the broken file makes it indexable again.
        writePhoto(root + "/bad.jpg", "fixed now");
        summary = indexer.run(options);
        QCOMPARE(summary.changed, std::size_t{1});
        QCOMPARE(summary.embedded, std::size_t{1});
        const auto left = store.failures();  // the text file is still no photo
        QCOMPARE(left.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(left[0].path), root + "/notes.txt");
    }

    // Hashing on several threads records exactly what one thread records: same photo ids for
    // the same contents (ids follow the scan order), same counts, copies sharing one photo.
    void parallelHashingRecordsInScanOrder() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 150; ++i) {
            // Every fifth file repeats an earlier content: a copy within one run.
            const int content = i % 5 == 4 ? i - 3 : i;
            writePhoto(root + QString("/%1/p%2.jpg").arg(i % 7).arg(i, 3, 10, QChar('0')),
                       QByteArray::number(content * 15485863) + QByteArray(content * 97, 'x'));
        }
        auto index = [&](int hashThreads, const QString& name) {
            LibraryStore store(dir.filePath(name).toStdString());
            test::FakeEmbedder embedder;
            test::FakeDecoder decoder;
            PhotoIndexer indexer(store, embedder, decoder);
            IndexOptions options;
            options.folders = {root.toStdString()};
            options.hashThreads = hashThreads;
            const auto summary = indexer.run(options);
            std::vector<std::pair<std::string, PhotoId>> idsByPath;
            for (const auto& photo : store.allPhotos()) {
                for (const auto& file : photo.files) {
                    idsByPath.emplace_back(file.path + "=" + photo.contentHash, photo.id);
                }
            }
            std::sort(idsByPath.begin(), idsByPath.end());
            return std::make_tuple(summary.added, summary.copied, summary.embedded, idsByPath,
                                   vectorsByHash(store, embedder.fingerprint()), summary.moved);
        };
        const auto one = index(1, "one.sqlite3");
        const auto many = index(5, "many.sqlite3");
        QCOMPARE(std::get<0>(one), std::size_t{120});  // new contents
        QCOMPARE(std::get<1>(one), std::size_t{30});   // copies of a content seen earlier
        QCOMPARE(std::get<5>(one), std::size_t{0});    // no old path went: nothing moved
        QCOMPARE(std::get<2>(one), std::size_t{120});
        QCOMPARE(std::get<3>(one).size(), std::size_t{150});
        QVERIFY(std::get<3>(one) == std::get<3>(many));
        QCOMPARE(std::get<0>(many), std::get<0>(one));
        QCOMPARE(std::get<1>(many), std::get<1>(one));
        QCOMPARE(std::get<2>(many), std::get<2>(one));
        QVERIFY(std::get<4>(one) == std::get<4>(many));
    }

    // Cancel and pause during the hashing phase: recorded files stay recorded, a new run
    // hashes only the rest.
    void cancelWhileHashingKeepsWhatWasRecorded() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 200; ++i) {
            writePhoto(root + QString("/p%1.jpg").arg(i, 3, 10, QChar('0')),
                       QByteArray::number(i * 7919));
        }
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        options.hashThreads = 3;
        std::stop_source stop;
        auto summary = indexer.run(
            options,
            [&](const IndexProgress& p) {
                if (p.phase == IndexProgress::Phase::Hashing && p.done >= 64) {
                    stop.request_stop();
                }
            },
            stop.get_token());
        QVERIFY(summary.cancelled);
        QCOMPARE(summary.added, std::size_t{64});  // reports come every 64 files
        QCOMPARE(store.fileCount(), std::int64_t{64});
        QCOMPARE(summary.embedded, std::size_t{0});
        summary = indexer.run(options);
        QVERIFY(!summary.cancelled);
        QCOMPARE(summary.unchanged, std::size_t{64});
        QCOMPARE(summary.added, std::size_t{136});
        QCOMPARE(summary.embedded, std::size_t{200});
    }

    // New files are recorded in groups of maxRecordBatchFiles, one transaction each: another
    // connection sees whole groups only, and everything once the phase ends.
    void firstScanRecordsFilesInGroups() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 600; ++i) {
            writePhoto(root + QString("/p%1.jpg").arg(i, 3, 10, QChar('0')),
                       QByteArray::number(i * 7919));
        }
        const std::string db = dir.filePath("lib.sqlite3").toStdString();
        LibraryStore store(db);
        LibraryStore reader(db);
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        options.hashThreads = 2;
        options.maxRecordBatchFiles = 100;
        options.maxRecordBatchMs = 3600 * 1000;
        std::vector<std::pair<std::size_t, std::int64_t>> seen;  // (done, files committed)
        const auto summary = indexer.run(options, [&](const IndexProgress& p) {
            if (p.phase == IndexProgress::Phase::Hashing && p.done > 0) {
                seen.emplace_back(p.done, reader.fileCount());
            }
        });
        QCOMPARE(summary.added, std::size_t{600});
        QVERIFY(seen.size() >= 9);
        for (const auto& [done, committed] : seen) {
            const auto expected = done == 600 ? 600 : std::int64_t(done / 100 * 100);
            QVERIFY2(committed == expected,
                     qPrintable(QString("%1 done, %2 committed").arg(done).arg(committed)));
        }
        QCOMPARE(seen.back().first, std::size_t{600});  // the phase ends with a report
    }

    // A pause while recording commits what is pending before the pipeline parks.
    void pauseWhileHashingCommitsPendingRecords() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 400; ++i) {
            writePhoto(root + QString("/p%1.jpg").arg(i, 3, 10, QChar('0')),
                       QByteArray::number(i * 104729));
        }
        const std::string db = dir.filePath("lib.sqlite3").toStdString();
        LibraryStore store(db);
        LibraryStore reader(db);
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        options.hashThreads = 3;
        options.maxRecordBatchFiles = 100000;  // only the pause and the end commit
        options.maxRecordBatchMs = 3600 * 1000;
        std::atomic<std::size_t> doneAtPause{0};
        IndexSummary summary;
        std::thread worker([&] {
            summary = indexer.run(options, [&](const IndexProgress& p) {
                if (p.phase == IndexProgress::Phase::Hashing && p.done >= 128 &&
                    doneAtPause.load() == 0) {
                    doneAtPause = p.done;
                    indexer.pause();
                }
            });
        });
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while ((doneAtPause.load() == 0 || reader.fileCount() == 0) &&
               std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        const std::int64_t whilePaused = reader.fileCount();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const std::int64_t later = reader.fileCount();
        indexer.resume();
        worker.join();
        QCOMPARE(doneAtPause.load(), std::size_t{128});
        QCOMPARE(whilePaused, std::int64_t{128});  // every file counted done, nothing more
        QCOMPARE(later, whilePaused);
        QVERIFY(!summary.cancelled);
        QCOMPARE(summary.added, std::size_t{400});
        QCOMPARE(store.fileCount(), std::int64_t{400});
    }

    void cancelKeepsCommittedBatchesAndResumeFinishes() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 40; ++i) {
            writePhoto(root + QString("/img%1.jpg").arg(i, 2, 10, QChar('0')),
                       QByteArray::number(i * 104729));
        }
        const std::string db = dir.filePath("lib.sqlite3").toStdString();
        std::map<std::string, std::vector<float>> reference;
        {
            QTemporaryDir other;
            LibraryStore store(other.filePath("ref.sqlite3").toStdString());
            test::FakeEmbedder embedder;
            test::FakeDecoder decoder;
            PhotoIndexer indexer(store, embedder, decoder);
            IndexOptions options;
            options.folders = {root.toStdString()};
            indexer.run(options);
            reference = vectorsByHash(store, embedder.fingerprint());
        }
        LibraryStore store(db);
        test::FakeEmbedder embedder;
        embedder.delayMs = 20;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        options.maxBatchPhotos = 4;
        options.maxBatchTokens = 1000;
        bool paused = false;
        std::size_t doneAtPause = 0;
        std::stop_source stop;
        IndexSummary summary = indexer.run(
            options,
            [&](const IndexProgress& p) {
                if (p.phase == IndexProgress::Phase::Embedding && p.done >= 8 && !paused) {
                    paused = true;
                    doneAtPause = p.done;
                    indexer.pause();
                    // Another thread resumes a little later, then cancels after more progress.
                    std::thread([&] {
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                        indexer.resume();
                    }).detach();
                }
                if (p.phase == IndexProgress::Phase::Embedding && p.done >= 16) {
                    stop.request_stop();
                }
            },
            stop.get_token());
        QVERIFY(summary.cancelled);
        QVERIFY(doneAtPause >= 8);
        const auto model = store.findModel(embedder.fingerprint());
        QVERIFY(model);
        const auto committed = store.vectorCount(*model, "");
        QVERIFY2(committed >= 16 && committed < 40, qPrintable(QString::number(committed)));
        QCOMPARE(std::size_t(committed), summary.embedded);  // cancel honoured within one batch

        // Resume: only the photos without a vector are embedded; results equal an unbroken run.
        test::FakeEmbedder fresh;
        PhotoIndexer again(store, fresh, decoder);
        summary = again.run(options);
        QCOMPARE(summary.embedded, std::size_t(40 - committed));
        QCOMPARE(fresh.images(), int(40 - committed));
        QCOMPARE(vectorsByHash(store, fresh.fingerprint()), reference);
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestLibraryIndexer)
#include "test_library_indexer.moc"
