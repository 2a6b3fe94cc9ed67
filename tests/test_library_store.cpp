// The library's SQLite store on real files: schema, migrations, refusal of newer files,
// transactions, vectors as little-endian float32, and two connections on one file.

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/io/error.h"
#include "core/library/file_record_batch.h"
#include "core/library/filter_choices.h"
#include "core/library/instruction_fingerprint.h"
#include "core/library/library_store.h"
#include "core/library/sqlite_database.h"

using namespace abc;

namespace {

PhotoFacts facts(const std::string& hash) {
    PhotoFacts f;
    f.contentHash = hash;
    f.mediaType = "jpeg";
    f.width = 640;
    f.height = 480;
    f.takenAt = "2021-07-04 12:00:00";
    return f;
}

// Everything a file record touches, as text: photos (id, hash, size), files, failures.
QString contents(LibraryStore& store) {
    QStringList out;
    for (const auto& photo : store.allPhotos()) {
        QStringList paths;
        for (const auto& file : photo.files) {
            paths << QString::fromStdString(file.path) + "@" + QString::number(file.mtimeNs);
        }
        out << QString("%1 %2 %3x%4: %5")
                   .arg(photo.id)
                   .arg(QString::fromStdString(photo.contentHash))
                   .arg(photo.width)
                   .arg(photo.height)
                   .arg(paths.join(','));
    }
    for (const auto& failure : store.failures()) {
        out << QString::fromStdString("failed " + failure.path + ": " + failure.reason);
    }
    return out.join('\n');
}

// New contents, a copy, a path changing content (its old photo orphaned), a failed path
// recorded at last, and a content first seen earlier in the same list.
std::vector<FileRecord> mixedRecords() {
    std::vector<FileRecord> records = {
        {{"/p/a.jpg", 1, 1}, facts("h1")}, {{"/p/b.jpg", 1, 2}, facts("h1")},
        {{"/p/c.jpg", 2, 3}, facts("h2")}, {{"/p/c.jpg", 3, 4}, facts("h4")},
        {{"/p/d.jpg", 4, 5}, facts("h5")}, {{"/p/e.jpg", 5, 6}, facts("h2")},
    };
    records[1].facts.width = 100;  // a known content keeps the facts it was first seen with
    return records;
}

}  // namespace

class TestLibraryStore : public QObject {
    Q_OBJECT

  private slots:
    void createsAtTheCurrentVersionInWal() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("sub/dir/lib.sqlite3").toStdString();
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
        SqliteDatabase raw(path);
        SqliteStatement mode(raw, "PRAGMA journal_mode");
        QVERIFY(mode.step());
        QCOMPARE(QString::fromStdString(mode.columnText(0)), QStringLiteral("wal"));
        SqliteStatement keys(raw, "PRAGMA foreign_keys");
        QVERIFY(keys.step());
        QCOMPARE(keys.columnInt(0), std::int64_t{1});
    }

    void migratesStepByStepKeepingData() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        {
            auto v1 = LibraryStore::openAtVersion(path, 1);
            QCOMPARE(v1->schemaVersion(), 1);
        }
        {
            // Rows as a version-1 program wrote them.
            SqliteDatabase raw(path);
            raw.execute(
                "INSERT INTO photos(id, content_hash, media_type) VALUES (1, 'aa', 'jpeg');"
                "INSERT INTO files VALUES ('/p/a.jpg', 1, 10, 20);"
                "INSERT INTO models VALUES (1, 'm', 3);"
                "INSERT INTO vectors(photo_id, model_id, instruction, vector) VALUES "
                "(1, 1, '', zeroblob(12));");
        }
        {
            SqliteDatabase raw(path);
            SqliteStatement table(raw, "SELECT count(*) FROM sqlite_master WHERE name='failures'");
            QVERIFY(table.step());
            QCOMPARE(table.columnInt(0), std::int64_t{0});
        }
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        QCOMPARE(store.photoCount(), std::int64_t{1});
        store.recordFailure({"/p/b.jpg", 1, 2}, "broken");
        QCOMPARE(store.failures().size(), std::size_t{1});
        const auto model = store.findModel("m");
        QVERIFY(model);
        QCOMPARE(store.vectorCount(*model, ""), std::int64_t{1});
    }

    void refusesANewerDatabaseUntouched() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        { LibraryStore store(path); }
        {
            SqliteDatabase raw(path);
            raw.setUserVersion(LibraryStore::kSchemaVersion + 5);
        }
        try {
            LibraryStore store(path);
            QFAIL("a newer library was opened");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("newer version")),
                     e.what());
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(path));
        }
        SqliteDatabase raw(path);
        QCOMPARE(raw.userVersion(), LibraryStore::kSchemaVersion + 5);
    }

    void transactionRollsBackUnlessCommitted() {
        QTemporaryDir dir;
        SqliteDatabase db(dir.filePath("t.sqlite3").toStdString());
        db.execute("CREATE TABLE t(x INTEGER)");
        {
            SqliteTransaction transaction(db);
            SqliteStatement(db, "INSERT INTO t VALUES (:x)").bind(":x", 1).run();
        }
        {
            SqliteTransaction transaction(db);
            SqliteStatement(db, "INSERT INTO t VALUES (:x)").bind(":x", 2).run();
            {
                SqliteTransaction nested(db);  // a savepoint inside
                SqliteStatement(db, "INSERT INTO t VALUES (:x)").bind(":x", 3).run();
            }
            transaction.commit();
        }
        SqliteStatement all(db, "SELECT group_concat(x) FROM t");
        QVERIFY(all.step());
        QCOMPARE(QString::fromStdString(all.columnText(0)), QStringLiteral("2"));
        QVERIFY_THROWS_EXCEPTION(
            Error, SqliteStatement(db, "SELECT * FROM t WHERE x = :x").bind(":nope", 1));
    }

    void vectorsAreLittleEndianFloat32Blobs() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        LibraryStore store(path);
        const PhotoId photo = store.recordFile({"/p/a.jpg", 1, 2}, facts("h1"));
        const auto model = store.modelId("fp", 2);
        store.putVectors(model, "", {{photo, {1.0f, -2.5f}}});
        SqliteDatabase raw(path);
        SqliteStatement blob(raw, "SELECT vector FROM vectors");
        QVERIFY(blob.step());
        const auto bytes = blob.columnBlob(0);
        const std::vector<std::uint8_t> expected = {0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0};
        QCOMPARE(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), expected);
        QVERIFY_THROWS_EXCEPTION(Error, store.modelId("fp", 3));
    }

    void contentKeysSurviveMovesAndOrphansGo() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        const PhotoId a = store.recordFile({"/p/a.jpg", 1, 2}, facts("h1"));
        const auto model = store.modelId("fp", 1);
        store.putVectors(model, "", {{a, {1.0f}}});
        // Same content at a new path: same photo, vector kept; the old path then goes.
        QCOMPARE(store.recordFile({"/q/moved.jpg", 1, 3}, facts("h1")), a);
        store.removeFiles({"/p/a.jpg"});
        QCOMPARE(store.photoCount(), std::int64_t{1});
        QVERIFY(store.hasVector(a, model, ""));
        // The path now shows other content: the old photo is orphaned and deleted.
        const PhotoId b = store.recordFile({"/q/moved.jpg", 5, 6}, facts("h2"));
        QVERIFY(b != a);
        QCOMPARE(store.photoCount(), std::int64_t{1});
        QCOMPARE(store.vectorCount(model, ""), std::int64_t{0});
        QCOMPARE(store.filesUnder("/q").size(), std::size_t{1});
        QCOMPARE(store.filesUnder("/q/mov").size(), std::size_t{0});
        store.addFolder("/q");
        QCOMPARE(store.forgetFolder("/q"), std::size_t{1});
        QCOMPARE(store.photoCount(), std::int64_t{0});
        QVERIFY(store.folders().empty());
    }

    // The sidebar's counts in one query agree with filesUnder and hasVector folder by folder:
    // nested folders, the root, a sibling sharing a prefix, a copy of an indexed photo, a
    // vector of another model and an instructed vector (neither counts).
    void folderCountsAgreeWithFilesUnder() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        const PhotoId a = store.recordFile({"/p/a.jpg", 1, 1}, facts("h1"));
        store.recordFile({"/p/sub/copy.jpg", 1, 2}, facts("h1"));
        const PhotoId b = store.recordFile({"/p/sub/b.jpg", 2, 3}, facts("h2"));
        const PhotoId c = store.recordFile({"/pq/c.jpg", 3, 4}, facts("h3"));
        const auto model = store.modelId("fp", 1);
        const auto other = store.modelId("other", 1);
        store.putVectors(model, "", {{a, {1.0f}}});
        store.putVectors(model, "a dog", {{b, {1.0f}}});
        store.putVectors(other, "", {{c, {1.0f}}});
        for (const char* folder : {"/p", "/p/sub", "/pq", "/", "/empty"}) {
            store.addFolder(folder);
        }
        const auto counts = store.folderCounts(model);
        QCOMPARE(counts.size(), std::size_t{5});
        for (const auto& count : counts) {
            const auto files = store.filesUnder(count.folder);
            std::int64_t indexed = 0;
            for (const auto& [file, photo] : files) {
                indexed += store.hasVector(photo, model, "") ? 1 : 0;
            }
            QCOMPARE(count.files, static_cast<std::int64_t>(files.size()));
            QCOMPARE(count.indexed, indexed);
        }
        QCOMPARE(QString::fromStdString(counts[0].folder), QStringLiteral("/"));
        QCOMPARE(counts[0].files, std::int64_t{4});
        QCOMPARE(counts[0].indexed, std::int64_t{2});  // a.jpg and its copy
        QCOMPARE(counts[0].photos, std::int64_t{3});   // ... which are one photo
        QCOMPARE(counts[0].indexedPhotos, std::int64_t{1});
        QCOMPARE(counts[2].photos, std::int64_t{2});  // /p: h1 twice, h2
        QCOMPARE(counts[1].photos, std::int64_t{0});
        QCOMPARE(QString::fromStdString(counts[2].folder), QStringLiteral("/p"));
        QCOMPARE(counts[2].files, std::int64_t{3});
        QCOMPARE(counts[3].files, std::int64_t{2});  // /p/sub
        QCOMPARE(counts[3].indexed, std::int64_t{1});
        QCOMPARE(counts[4].files, std::int64_t{1});  // /pq, not inside /p
        QCOMPARE(counts[4].indexed, std::int64_t{0});
        QCOMPARE(counts[1].files, std::int64_t{0});  // /empty
        for (const auto& count : store.folderCounts(std::nullopt)) {
            QCOMPARE(count.indexed, std::int64_t{0});
        }
        QCOMPARE(counts[0].failedPhotos, std::int64_t{0});

        // b.jpg could not be decoded when it was embedded: its photo has no vector and a
        // failure, so it is not left to index; a failure of a photo that has a vector, or of a
        // file never recorded, does not count.
        store.recordFailure({"/p/sub/b.jpg", 2, 3}, "damaged");
        store.recordFailure({"/p/a.jpg", 1, 1}, "damaged");
        store.recordFailure({"/p/never-recorded.jpg", 5, 5}, "not an image");
        const auto failed = store.folderCounts(model);
        QCOMPARE(failed[0].failedPhotos, std::int64_t{1});  // /
        QCOMPARE(failed[2].failedPhotos, std::int64_t{1});  // /p
        QCOMPARE(failed[3].failedPhotos, std::int64_t{1});  // /p/sub
        QCOMPARE(failed[4].failedPhotos, std::int64_t{0});  // /pq: c.jpg has no vector, no failure
        QCOMPARE(failed[0].photos, std::int64_t{3});
    }

    // What the filter bar offers: folders, distinct media types and the range of real days;
    // a photo without a date, or with one no calendar has, counts as undated.
    void filterChoicesOfALibrary() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        const auto record = [&](const std::string& name, const std::string& type,
                                std::optional<std::string> taken) {
            PhotoFacts f = facts(name);
            f.mediaType = type;
            f.takenAt = std::move(taken);
            store.recordFile({"/p/" + name, 1, 1}, f);
        };
        record("a.jpg", "jpeg", "2021-07-04 12:00:00");
        record("b.png", "png", "2019-12-31 23:59:59");
        record("c.heic", "heic", "2023-01-02");
        record("d.jpg", "jpeg", std::nullopt);
        record("e.jpg", "jpeg", "2021-02-30 10:00:00");
        record("f.jpg", "jpeg", "0000-01-01 00:00:00");
        record("g.jpg", "jpeg", "2021:07:04 12:00:00");
        store.addFolder("/q");
        store.addFolder("/p");
        const FilterChoices choices = filterChoices(store);
        QCOMPARE(choices.folders, (std::vector<std::string>{"/p", "/q"}));
        QCOMPARE(choices.mediaTypes, (std::vector<std::string>{"heic", "jpeg", "png"}));
        QCOMPARE(choices.earliestDay, std::optional<std::string>("2019-12-31"));
        QCOMPARE(choices.latestDay, std::optional<std::string>("2023-01-02"));
        QCOMPARE(choices.undated, 4);

        QTemporaryDir emptyDir;
        LibraryStore empty(emptyDir.filePath("lib.sqlite3").toStdString());
        const FilterChoices none = filterChoices(empty);
        QVERIFY(none.mediaTypes.empty());
        QVERIFY(!none.earliestDay && !none.latestDay);
        QCOMPARE(none.undated, 0);
    }

    // A library another connection holds past the busy timeout says so with its own type
    // (the desktop then tries again later); any other SQL failure stays a plain abc::Error.
    void busyLibraryIsToldApartFromOtherFailures() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        SqliteDatabase holder(path);
        SqliteDatabase waiter(path, SqliteDatabase::Mode::ReadWrite, 50);
        {
            SqliteTransaction write(holder);
            QVERIFY_THROWS_EXCEPTION(DatabaseBusy, SqliteTransaction{waiter});
        }
        SqliteTransaction free(waiter);  // released: the write lock is there to take
        free.commit();
        bool plain = false;
        try {
            waiter.execute("SELECT * FROM no_such_table");
        } catch (const DatabaseBusy&) {
            QFAIL("a missing table is not a busy library");
        } catch (const Error&) {
            plain = true;
        }
        QVERIFY(plain);
    }

    // Failed files under a folder, by whole path components, whether or not they have a file
    // row; removeFiles forgets a failure that has none.
    void failedFilesUnderAFolder() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        store.recordFailure({"/p/sub/b.jpg", 3, 4}, "damaged");
        store.recordFailure({"/p/a.jpg", 1, 2}, "damaged");
        store.recordFailure({"/photos/c.jpg", 5, 6}, "damaged");
        const auto under = store.failedFilesUnder("/p/");
        QCOMPARE(under.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(under[0].path), QStringLiteral("/p/a.jpg"));
        QCOMPARE(under[0].sizeBytes, std::int64_t{1});
        QCOMPARE(under[0].mtimeNs, std::int64_t{2});
        QCOMPARE(QString::fromStdString(under[1].path), QStringLiteral("/p/sub/b.jpg"));
        QCOMPARE(store.failedFilesUnder("/p/sub").size(), std::size_t{1});
        QVERIFY(store.failedFilesUnder("/p/a.jpg").empty());
        QCOMPARE(store.failedFilesUnder("/").size(), std::size_t{3});
        store.removeFiles({"/p/a.jpg"});
        QCOMPARE(store.failedFilesUnder("/p").size(), std::size_t{1});
        QCOMPARE(store.failures().size(), std::size_t{2});
    }

    // Many records in one call leave the store exactly as one recordFile call each.
    void recordFilesEqualsRecordFileOneByOne() {
        QTemporaryDir dir;
        LibraryStore single(dir.filePath("single.sqlite3").toStdString());
        LibraryStore many(dir.filePath("many.sqlite3").toStdString());
        for (auto* store : {&single, &many}) {
            store->recordFailure({"/p/d.jpg", 4, 5}, "was broken");
        }
        const auto records = mixedRecords();
        std::vector<PhotoId> one;
        for (const auto& record : records) {
            one.push_back(single.recordFile(record.file, record.facts));
        }
        const auto ids = many.recordFiles(records);
        QVERIFY(ids == one);
        QCOMPARE(contents(many), contents(single));
        QCOMPARE(many.photoCount(), std::int64_t{4});  // h1, h4, h5 and h2 (orphaned, then new)
        QCOMPARE(many.photo(ids[1])->width, 640);
        QVERIFY(many.failures().empty());
        QVERIFY(many.recordFiles({}).empty());
        // Inside a caller's transaction the records roll back with it.
        try {
            many.transaction([&] {
                many.recordFiles(std::vector<FileRecord>{{{"/p/z.jpg", 9, 9}, facts("hz")}});
                throw Error("test", "abandon");
            });
        } catch (const Error&) {
        }
        QVERIFY(!many.fileByPath("/p/z.jpg"));
    }

    // A batch commits per maxFiles entries or once maxDelay has passed, in the order added;
    // until then another connection sees nothing of it.
    void fileRecordBatchCommitsByCountAndDelay() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        LibraryStore writer(path);
        LibraryStore reader(path);
        writer.recordFailure({"/p/d.jpg", 4, 5}, "was broken");
        const auto records = mixedRecords();
        {
            FileRecordBatch batch(writer, 4, std::chrono::hours(1));
            batch.recordFile(records[0].file, records[0].facts);
            batch.recordFile(records[1].file, records[1].facts);
            batch.recordFailure({"/p/x.jpg", 7, 8}, "damaged");
            QCOMPARE(batch.pending(), std::size_t{3});
            QVERIFY(batch.pendingContent("h1"));
            QVERIFY(!batch.pendingContent("h2"));
            QCOMPARE(reader.fileCount(), std::int64_t{0});
            QCOMPARE(reader.failures().size(), std::size_t{1});
            batch.recordFile(records[2].file, records[2].facts);  // the 4th entry commits
            QCOMPARE(batch.pending(), std::size_t{0});
            QCOMPARE(batch.commits(), std::size_t{1});
            QVERIFY(!batch.pendingContent("h1"));
            QCOMPARE(reader.fileCount(), std::int64_t{3});
            QCOMPARE(reader.failures().size(), std::size_t{2});
            for (std::size_t i = 3; i < records.size(); ++i) {
                batch.recordFile(records[i].file, records[i].facts);
            }
            QCOMPARE(reader.fileCount(), std::int64_t{3});
        }  // the destructor commits the rest
        QCOMPARE(reader.fileCount(), std::int64_t{5});
        // Same end state as recording one by one (with the failure in its place).
        LibraryStore single(dir.filePath("single.sqlite3").toStdString());
        single.recordFailure({"/p/d.jpg", 4, 5}, "was broken");
        for (std::size_t i = 0; i < records.size(); ++i) {
            single.recordFile(records[i].file, records[i].facts);
            if (i == 1) {
                single.recordFailure({"/p/x.jpg", 7, 8}, "damaged");
            }
        }
        QCOMPARE(contents(reader), contents(single));

        // The delay: the first entry waits, an entry added after maxDelay commits both.
        FileRecordBatch slow(writer, 1000, std::chrono::milliseconds(50));
        slow.recordFile({"/q/1.jpg", 1, 1}, facts("q1"));
        QCOMPARE(slow.pending(), std::size_t{1});
        std::this_thread::sleep_for(std::chrono::milliseconds(80));
        slow.recordFile({"/q/2.jpg", 1, 1}, facts("q2"));
        QCOMPARE(slow.pending(), std::size_t{0});
        QCOMPARE(slow.commits(), std::size_t{1});
        QCOMPARE(reader.filesUnder("/q").size(), std::size_t{2});
        slow.commit();  // nothing pending: no transaction
        QCOMPARE(slow.commits(), std::size_t{1});
    }

    void twoConnectionsSeeEachOther() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        LibraryStore first(path);
        LibraryStore second(path);
        const auto before = second.dataVersion();
        first.recordFile({"/p/a.jpg", 1, 2}, facts("h1"));
        QVERIFY(second.dataVersion() != before);
        QCOMPARE(second.photoCount(), std::int64_t{1});
        std::int64_t last = 0;
        const auto model = first.modelId("fp", 2);
        first.putVectors(model, "", {{*first.photoByHash("h1"), {0.5f, 0.5f}}});
        const auto rows = second.vectorsAfter(model, "", 0, last);
        QCOMPARE(rows.ids.size(), std::size_t{1});
        QVERIFY(last > 0);
        QCOMPARE(second.vectorsAfter(model, "", last, last).ids.size(), std::size_t{0});
    }

    // Two processes indexing into a library that does not exist yet both open it at once; the
    // one that loses the race for the switch to WAL must wait, not fail with "locked".
    void openersOfANewLibraryAtOnceAllGetIn() {
        constexpr int rounds = 40;
        constexpr int openers = 4;
        QTemporaryDir dir;
        std::atomic<int> failures{0};
        std::string firstFailure;
        std::mutex failureMutex;
        for (int round = 0; round < rounds; ++round) {
            const std::string path =
                dir.filePath(QString("lib%1.sqlite3").arg(round)).toStdString();
            std::latch start(openers);
            std::vector<std::thread> threads;
            for (int i = 0; i < openers; ++i) {
                threads.emplace_back([&] {
                    start.arrive_and_wait();
                    try {
                        SqliteDatabase db(path);
                        db.execute("CREATE TABLE IF NOT EXISTS t(a)");
                    } catch (const std::exception& error) {
                        if (failures.fetch_add(1) == 0) {
                            const std::lock_guard lock(failureMutex);
                            firstFailure = error.what();
                        }
                    }
                });
            }
            for (auto& thread : threads) {
                thread.join();
            }
        }
        QVERIFY2(failures.load() == 0, firstFailure.c_str());
    }

    void defaultPathFollowsXdg() {
        qputenv("XDG_DATA_HOME", "/tmp/xdg-test-data");
        QCOMPARE(QString::fromStdString(LibraryStore::defaultPath()),
                 QStringLiteral("/tmp/xdg-test-data/abc-photos/library.sqlite3"));
        qunsetenv("XDG_DATA_HOME");
        const QString home = qEnvironmentVariable("HOME");
        QCOMPARE(QString::fromStdString(LibraryStore::defaultPath()),
                 home + QStringLiteral("/.local/share/abc-photos/library.sqlite3"));
    }

    void removingAVectorSetTakesItsInstructedRowsAndNothingElse() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        const std::string old = "abc|pixels=256";
        const std::string current = "abc|pixels=576";
        const std::string oldInstructed = instructionFingerprint(old, "adapter-1");
        std::int64_t currentModel = 0;
        {
            LibraryStore store(path);
            const PhotoId a = store.recordFile({"/p/a.jpg", 1, 2}, facts("h1"));
            const PhotoId b = store.recordFile({"/p/b.jpg", 1, 2}, facts("h2"));
            const PhotoId c = store.recordFile({"/p/c.jpg", 1, 2}, facts("h3"));
            const auto oldModel = store.modelId(old, 4);
            currentModel = store.modelId(current, 2);
            const auto oldInstruct = store.modelId(oldInstructed, 4);
            store.modelId("never used", 8);
            store.putVectors(oldModel, "", {{a, {1, 2, 3, 4}}, {b, {1, 2, 3, 4}}});
            store.putVectors(oldInstruct, "what?", {{a, {1, 0, 0, 0}}});
            store.putVectors(currentModel, "", {{a, {1, 2}}, {b, {3, 4}}, {c, {5, 6}}});
            store.cacheQueryVector(old, "a dog", {1, 0, 0, 0});

            const auto sets = store.vectorSets();
            QCOMPARE(sets.size(), std::size_t{3});  // the instruction row is listed with its set
            QCOMPARE(QString::fromStdString(sets[0].fingerprint), QString::fromStdString(old));
            QCOMPARE(sets[0].photos, std::int64_t{2});
            QCOMPARE(sets[0].instructedVectors, std::int64_t{1});
            QCOMPARE(sets[0].bytes, std::int64_t{3 * 4 * 4});
            QCOMPARE(sets[1].photos, std::int64_t{3});
            QCOMPARE(sets[1].bytes, std::int64_t{3 * 2 * 4});
            QCOMPARE(sets[2].photos, std::int64_t{0});
            QCOMPARE(sets[2].bytes, std::int64_t{0});

            QVERIFY_THROWS_EXCEPTION(Error, store.removeVectorSet(oldInstructed));
            QVERIFY_THROWS_EXCEPTION(Error, store.removeVectorSet("not in the library"));
            const auto removed = store.removeVectorSet(old);
            QCOMPARE(removed.vectors, std::int64_t{3});
            QCOMPARE(removed.sets, std::int64_t{2});
        }
        // Read back from the file by a new connection: the removal was committed.
        LibraryStore store(path);
        QVERIFY(!store.findModel(old));
        QVERIFY(!store.findModel(oldInstructed));
        QVERIFY(!store.cachedQueryVector(old, "a dog"));
        QCOMPARE(store.findModel(current), std::optional<std::int64_t>(currentModel));
        QCOMPARE(store.vectorCount(currentModel, ""), std::int64_t{3});
        QCOMPARE(store.vector(3, currentModel, ""), std::optional<std::vector<float>>({5, 6}));
        QCOMPARE(store.photoCount(), std::int64_t{3});
        QCOMPARE(store.vectorSets().size(), std::size_t{2});
        SqliteDatabase raw(path);
        SqliteStatement left(raw, "SELECT count(*) FROM vectors");
        QVERIFY(left.step());
        QCOMPARE(left.columnInt(0), std::int64_t{3});
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
    }

    void garbageFileIsAnErrorNotACrash() {
        QTemporaryDir dir;
        const QString path = dir.filePath("junk.sqlite3");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        QVERIFY_THROWS_EXCEPTION(Error, LibraryStore(path.toStdString()));
        QFile check(path);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray(8192, 'x'));
    }
};

QTEST_GUILESS_MAIN(TestLibraryStore)
#include "test_library_store.moc"
