// The library's SQLite store on real files: schema, migrations, refusal of newer files,
// transactions, vectors as little-endian float32, and two connections on one file.

#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <memory>

#include "core/io/error.h"
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
        QCOMPARE(store.schemaVersion(), 2);
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

    void defaultPathFollowsXdg() {
        qputenv("XDG_DATA_HOME", "/tmp/xdg-test-data");
        QCOMPARE(QString::fromStdString(LibraryStore::defaultPath()),
                 QStringLiteral("/tmp/xdg-test-data/abc-photos/library.sqlite3"));
        qunsetenv("XDG_DATA_HOME");
        const QString home = qEnvironmentVariable("HOME");
        QCOMPARE(QString::fromStdString(LibraryStore::defaultPath()),
                 home + QStringLiteral("/.local/share/abc-photos/library.sqlite3"));
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
