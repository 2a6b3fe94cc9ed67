// Indexing never loses stored data to a folder it cannot read: a library folder moved away (an
// unmounted drive, a share that is down), a subfolder without permission, a symbolic link to a
// folder that is gone. Their files, photos and vectors stay; the run says which requested
// folders it could not reach; once the folder is back nothing is read or embedded again.
// Also: failures of files that are gone are forgotten, but not those under unreadable folders.
// Real folders, a real database, the fake model and decoder of test_library_fakes.h.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_indexer.h"
#include "support/photo_files.h"
#include "test_library_fakes.h"

using namespace abc;
using abc::test::writeFile;
using abc::test::writePhoto;

namespace {

// JPEG magic bytes, then garbage: the product decoder fails it when probing, on its first read.
const QByteArray kBrokenJpeg = QByteArray::fromHex("ffd8ffe0") + "GARBAGE, no JPEG segments";

// The fake decoder, except that probing fails on a broken file as the product decoder's does:
// such a file gets a failure row and no file row.
class ProbingDecoder : public test::FakeDecoder {
  public:
    void probe(const std::string& path, PhotoFacts& facts) const override {
        QFile file(QString::fromStdString(path));
        if (!file.open(QIODevice::ReadOnly)) {
            throw Error(path, "cannot open");
        }
        if (file.readAll().contains("GARBAGE")) {
            throw Error(path, "damaged JPEG header");
        }
        test::FakeDecoder::probe(path, facts);
    }
};

std::map<std::string, std::vector<float>> vectorsByHash(LibraryStore& store,
                                                        const std::string& fingerprint) {
    std::map<std::string, std::vector<float>> out;
    const auto model = store.findModel(fingerprint);
    if (!model) {
        return out;
    }
    for (const auto& photo : store.allPhotos()) {
        if (auto vector = store.vector(photo.id, *model, "")) {
            out[photo.contentHash] = *vector;
        }
    }
    return out;
}

QStringList failedPaths(LibraryStore& store) {
    QStringList out;
    for (const auto& failure : store.failures()) {
        out << QString::fromStdString(failure.path);
    }
    return out;
}

QStringList problemPaths(const IndexSummary& summary) {
    QStringList out;
    for (const auto& failure : summary.failures) {
        out << QString::fromStdString(failure.path);
    }
    return out;
}

// Gives a folder its permissions back however the test ends, or QTemporaryDir cannot
// remove it.
class PermissionsBack {
  public:
    explicit PermissionsBack(QString path) : path_(std::move(path)) {}
    ~PermissionsBack() {
        QFile::setPermissions(
            path_, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

  private:
    QString path_;
};

}  // namespace

class TestLibraryUnreachableFolders : public QObject {
    Q_OBJECT

  private slots:
    // The reported data loss: index, move the folder away, index the same path again.
    void movedAwayFolderKeepsEverything() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        writePhoto(root + "/a.jpg", "alpha");
        writePhoto(root + "/sub/b.jpg", "bravo");
        writePhoto(root + "/sub/c.jpg", "charlie");
        writeFile(root + "/broken.jpg", kBrokenJpeg);
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        ProbingDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        auto summary = indexer.run(options);
        QCOMPARE(summary.added, std::size_t{3});
        QCOMPARE(summary.embedded, std::size_t{3});
        QCOMPARE(failedPaths(store), QStringList({root + "/broken.jpg"}));
        QVERIFY(summary.unreachableFolders.empty());
        const auto vectors = vectorsByHash(store, embedder.fingerprint());
        QCOMPARE(vectors.size(), std::size_t{3});
        const int decoded = decoder.decoded.load();
        const int embedded = embedder.images();

        QVERIFY(QFile::rename(root, root + ".away"));
        summary = indexer.run(options);
        QCOMPARE(summary.removed, std::size_t{0});
        QCOMPARE(summary.scanned, std::size_t{0});
        QCOMPARE(summary.unreachableFolders.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(summary.unreachableFolders[0].path), root);
        QCOMPARE(QString::fromStdString(summary.unreachableFolders[0].reason),
                 QStringLiteral("folder not found"));
        QCOMPARE(summary.unreachableFolders[0].keptFiles, std::size_t{3});
        QVERIFY2(summary.failures.empty(), "a missing folder is not a file that failed");
        QCOMPARE(store.fileCount(), std::int64_t{3});
        QCOMPARE(store.photoCount(), std::int64_t{3});
        QVERIFY(vectorsByHash(store, embedder.fingerprint()) == vectors);
        QCOMPARE(failedPaths(store), QStringList({root + "/broken.jpg"}));
        QCOMPARE(store.folders(), std::vector<std::string>{root.toStdString()});

        // A new model while the folder is away: its photos wait, they do not fail (a failure
        // would stay on the unchanged files once they are back).
        test::FakeEmbedder otherModel(8);
        PhotoIndexer otherIndexer(store, otherModel, decoder);
        summary = otherIndexer.run(options);
        QCOMPARE(summary.embedded, std::size_t{0});
        QCOMPARE(summary.failed, std::size_t{0});
        QCOMPARE(summary.unreachableFolders.size(), std::size_t{1});
        QCOMPARE(failedPaths(store), QStringList({root + "/broken.jpg"}));

        // A file where the folder was: not a folder, kept too.
        writeFile(root, "a file now");
        summary = indexer.run(options);
        QCOMPARE(summary.removed, std::size_t{0});
        QCOMPARE(summary.unreachableFolders.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(summary.unreachableFolders[0].reason),
                 QStringLiteral("not a folder"));
        QCOMPARE(store.fileCount(), std::int64_t{3});
        QVERIFY(QFile::remove(root));

        // Back in place: everything is unchanged, nothing is read or embedded again.
        QVERIFY(QFile::rename(root + ".away", root));
        summary = indexer.run(options);
        QVERIFY(summary.unreachableFolders.empty());
        QCOMPARE(summary.scanned, std::size_t{4});
        QCOMPARE(summary.unchanged, std::size_t{3});
        QCOMPARE(summary.added + summary.changed + summary.moved + summary.removed, std::size_t{0});
        QCOMPARE(summary.embedded, std::size_t{0});
        QCOMPARE(decoder.decoded.load(), decoded);
        QCOMPARE(embedder.images(), embedded);
        QVERIFY(vectorsByHash(store, embedder.fingerprint()) == vectors);
        // The model that waited embeds the photos now.
        summary = otherIndexer.run(options);
        QCOMPARE(summary.embedded, std::size_t{3});
        QCOMPARE(vectorsByHash(store, otherModel.fingerprint()).size(), std::size_t{3});
    }

    // An unmounted drive's mount point is an empty folder: its records stay. A folder that
    // still holds anything (here a text file) is read as it is, and its deletions count.
    void emptyRootKeepsItsFilesButEmptiedPhotosGo() {
        QTemporaryDir dir;
        const QString mounted = QDir(dir.path()).canonicalPath() + "/drive";
        const QString other = QDir(dir.path()).canonicalPath() + "/other";
        writePhoto(mounted + "/a.jpg", "alpha");
        writePhoto(mounted + "/sub/b.jpg", "bravo");
        writePhoto(other + "/c.jpg", "charlie");
        writePhoto(other + "/d.jpg", "delta");
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        ProbingDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {mounted.toStdString(), other.toStdString()};
        auto summary = indexer.run(options);
        QCOMPARE(summary.added, std::size_t{4});

        QVERIFY(QDir(mounted).removeRecursively());
        QVERIFY(QDir().mkpath(mounted));
        QVERIFY(QFile::remove(other + "/c.jpg"));
        QVERIFY(QFile::remove(other + "/d.jpg"));
        writeFile(other + "/notes.txt", "not a photo");
        summary = indexer.run(options);
        QCOMPARE(summary.unreachableFolders.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(summary.unreachableFolders[0].path), mounted);
        QVERIFY(QString::fromStdString(summary.unreachableFolders[0].reason).contains("empty"));
        QCOMPARE(summary.unreachableFolders[0].keptFiles, std::size_t{2});
        QCOMPARE(summary.removed, std::size_t{2});
        QCOMPARE(store.fileCount(), std::int64_t{2});
        QCOMPARE(vectorsByHash(store, embedder.fingerprint()).size(), std::size_t{2});

        // An empty folder with nothing on record is simply empty.
        const QString fresh = QDir(dir.path()).canonicalPath() + "/fresh";
        QVERIFY(QDir().mkpath(fresh));
        options.folders = {fresh.toStdString()};
        summary = indexer.run(options);
        QVERIFY(summary.unreachableFolders.empty());
        QVERIFY(summary.failures.empty());
    }

    // A subfolder the scan may not read keeps its files (and its failures); deletions
    // elsewhere in the same run still count.
    void unreadableSubfolderKeepsItsFiles() {
        if (::geteuid() == 0) {
            QSKIP(
                "running as root: chmod 000 does not stop root from reading a folder, so an "
                "unreadable subfolder cannot be made here");
        }
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        writePhoto(root + "/open/a.jpg", "alpha");
        writePhoto(root + "/open/gone.jpg", "golf");
        writePhoto(root + "/locked/b.jpg", "bravo");
        writePhoto(root + "/locked/deeper/c.jpg", "charlie");
        writeFile(root + "/locked/broken.jpg", kBrokenJpeg);
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        ProbingDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        auto summary = indexer.run(options);
        QCOMPARE(summary.embedded, std::size_t{4});
        const auto vectors = vectorsByHash(store, embedder.fingerprint());
        QCOMPARE(vectors.size(), std::size_t{4});
        const int decoded = decoder.decoded.load();

        const std::string goneHash = hashFileContent((root + "/open/gone.jpg").toStdString());
        QVERIFY(QFile::remove(root + "/open/gone.jpg"));
        {
            const PermissionsBack restore(root + "/locked");
            QVERIFY(QFile::setPermissions(root + "/locked", QFileDevice::Permissions()));
            summary = indexer.run(options);
        }
        QCOMPARE(summary.removed, std::size_t{1});  // gone.jpg, seen gone
        QVERIFY(summary.unreachableFolders.empty());
        QCOMPARE(problemPaths(summary), QStringList({root + "/locked"}));
        QCOMPARE(store.fileCount(), std::int64_t{3});
        QCOMPARE(failedPaths(store), QStringList({root + "/locked/broken.jpg"}));
        QCOMPARE(vectorsByHash(store, embedder.fingerprint()).size(), std::size_t{3});
        QVERIFY(!vectorsByHash(store, embedder.fingerprint()).contains(goneHash));
        for (const QString& name : {QStringLiteral("open/a.jpg"), QStringLiteral("locked/b.jpg"),
                                    QStringLiteral("locked/deeper/c.jpg")}) {
            const std::string hash = hashFileContent((root + "/" + name).toStdString());
            QVERIFY2(vectorsByHash(store, embedder.fingerprint()).at(hash) == vectors.at(hash),
                     qPrintable(name));
        }

        // Readable again: unchanged, nothing read or embedded again.
        summary = indexer.run(options);
        QVERIFY(summary.failures.empty());
        QCOMPARE(summary.unchanged, std::size_t{3});
        QCOMPARE(summary.added + summary.changed + summary.removed + summary.embedded,
                 std::size_t{0});
        QCOMPARE(decoder.decoded.load(), decoded);
        QCOMPARE(failedPaths(store), QStringList({root + "/locked/broken.jpg"}));
    }

    // A folder reached through a symbolic link whose target is gone (the usual shape of a
    // drive that is not mounted) keeps its files.
    void brokenLinkToAFolderKeepsItsFiles() {
        QTemporaryDir dir;
        const QString base = QDir(dir.path()).canonicalPath();
        const QString root = base + "/photos";
        writePhoto(root + "/a.jpg", "alpha");
        writePhoto(base + "/drive/b.jpg", "bravo");
        writePhoto(base + "/drive/trip/c.jpg", "charlie");
        std::filesystem::create_directory_symlink((base + "/drive").toStdString(),
                                                  (root + "/drive").toStdString());
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        auto summary = indexer.run(options);
        QCOMPARE(summary.added, std::size_t{3});
        const auto vectors = vectorsByHash(store, embedder.fingerprint());

        QVERIFY(QFile::rename(base + "/drive", base + "/unmounted"));
        summary = indexer.run(options);
        QCOMPARE(summary.removed, std::size_t{0});
        QCOMPARE(problemPaths(summary), QStringList({root + "/drive"}));
        QCOMPARE(store.fileCount(), std::int64_t{3});
        QVERIFY(vectorsByHash(store, embedder.fingerprint()) == vectors);

        QVERIFY(QFile::rename(base + "/unmounted", base + "/drive"));
        summary = indexer.run(options);
        QCOMPARE(summary.unchanged, std::size_t{3});
        QCOMPARE(summary.added + summary.removed + summary.embedded, std::size_t{0});
    }

    // The stale failures: a file that failed on its first read has no file row; once it is
    // deleted its failure goes too. Failures of other library folders, not indexed in this
    // run, stay.
    void failuresOfDeletedFilesAreForgotten() {
        QTemporaryDir dir;
        const QString base = QDir(dir.path()).canonicalPath();
        const QString root = base + "/photos";
        const QString other = base + "/other";
        writePhoto(root + "/a.jpg", "alpha");
        writeFile(root + "/broken.jpg", kBrokenJpeg);
        writeFile(root + "/sub/broken2.jpg", kBrokenJpeg + "2");
        writeFile(other + "/broken3.jpg", kBrokenJpeg + "3");
        // The product decoder fails such a file when probing (where ProbingDecoder fails it).
        PhotoFacts facts;
        QVERIFY_THROWS_EXCEPTION(
            Error, makePhotoDecoder()->probe((root + "/broken.jpg").toStdString(), facts));

        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder;
        ProbingDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions both;
        both.folders = {root.toStdString(), other.toStdString()};
        auto summary = indexer.run(both);
        QCOMPARE(summary.failed, std::size_t{3});
        QCOMPARE(failedPaths(store), QStringList({other + "/broken3.jpg", root + "/broken.jpg",
                                                  root + "/sub/broken2.jpg"}));
        QVERIFY(!store.fileByPath((root + "/broken.jpg").toStdString()));  // no file row

        QVERIFY(QFile::remove(root + "/broken.jpg"));
        QVERIFY(QFile::remove(other + "/broken3.jpg"));
        IndexOptions rootOnly;
        rootOnly.folders = {root.toStdString()};
        summary = indexer.run(rootOnly);
        QCOMPARE(summary.removed, std::size_t{0});  // no file row was removed
        QCOMPARE(failedPaths(store),
                 QStringList({other + "/broken3.jpg", root + "/sub/broken2.jpg"}));

        // A file replaced by one that is no image at all is listed as such instead.
        writeFile(root + "/sub/broken2.jpg", "just text now");
        summary = indexer.run(both);
        const auto failures = store.failures();
        QCOMPARE(failures.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(failures[0].path), root + "/sub/broken2.jpg");
        QVERIFY(failures[0].reason.starts_with("not an image: named .jpg"));
        QCOMPARE(store.fileCount(), std::int64_t{1});
    }
};

QTEST_GUILESS_MAIN(TestLibraryUnreachableFolders)
#include "test_library_unreachable_folders.moc"
