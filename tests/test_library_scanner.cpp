// The folder scanner on a real tree: recursion, magic bytes over extensions, hidden folders,
// symlink loops, and the content hash.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

#include "core/io/error.h"
#include "core/library/photo_scanner.h"

using namespace abc;

namespace {

void write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qFatal("cannot write %s", qPrintable(path));
    }
    file.write(bytes);
}

const QByteArray kJpeg = QByteArray::fromHex("ffd8ffe000104a464946") + QByteArray(100, 'j');
const QByteArray kPng = QByteArray::fromHex("89504e470d0a1a0a") + QByteArray(100, 'p');
const QByteArray kHeic = QByteArray::fromHex("00000018") + "ftypheic" + QByteArray(100, 'h');
const QByteArray kWebp =
    QByteArray::fromHex("5249464610000000574542505650382020") + QByteArray(100, 'w');

QStringList names(const ScanReport& report, const QString& root) {
    QStringList out;
    for (const auto& photo : report.photos) {
        out << QString::fromStdString(photo.file.path).mid(root.size() + 1);
    }
    return out;
}

}  // namespace

class TestLibraryScanner : public QObject {
    Q_OBJECT

  private slots:
    void findsImagesByContentNotName() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/a.jpg", kJpeg);
        write(root + "/sub/deeper/b.PNG", kPng);
        write(root + "/sub/renamed.txt", kJpeg);  // a JPEG with the wrong extension
        write(root + "/sub/fake.jpg", "not an image at all");
        write(root + "/c.heic", kHeic);
        write(root + "/d.webp", kWebp);
        write(root + "/.hidden/e.jpg", kJpeg);
        write(root + "/.f.jpg", kJpeg);
        const ScanReport report = scanFolders({root.toStdString()});
        QCOMPARE(names(report, root),
                 QStringList({"a.jpg", "c.heic", "d.webp", "sub/deeper/b.PNG", "sub/renamed.txt"}));
        QCOMPARE(report.otherFiles, std::size_t{1});
        QCOMPARE(QString::fromStdString(report.photos[1].mediaType), QStringLiteral("heic"));
        QCOMPARE(QString::fromStdString(report.photos[4].mediaType), QStringLiteral("jpeg"));
        QCOMPARE(report.photos[0].file.sizeBytes, std::int64_t{kJpeg.size()});
        QVERIFY(report.photos[0].file.mtimeNs > 0);

        ScanOptions withHidden;
        withHidden.includeHidden = true;
        QCOMPARE(scanFolders({root.toStdString()}, withHidden).photos.size(), std::size_t{7});
    }

    void symlinkLoopsEndAndAreReported() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/a/x.jpg", kJpeg);
        std::filesystem::create_directory_symlink(root.toStdString() + "/a",
                                                  root.toStdString() + "/a/loop");
        std::filesystem::create_directory_symlink(root.toStdString(), root.toStdString() + "/a/up");
        std::filesystem::create_symlink(root.toStdString() + "/a/x.jpg",
                                        root.toStdString() + "/link.jpg");
        const ScanReport report = scanFolders({root.toStdString()});
        QCOMPARE(report.photos.size(), std::size_t{1});  // one real file, one path
        QVERIFY(report.problems.size() >= 2);
        ScanOptions noLinks;
        noLinks.followSymlinks = false;
        const ScanReport plain = scanFolders({root.toStdString()}, noLinks);
        QCOMPARE(names(plain, root), QStringList({"a/x.jpg"}));
        QVERIFY(plain.problems.empty());
    }

    void missingRootIsAProblemNotACrash() {
        const ScanReport report = scanFolders({"/definitely/not/here"});
        QVERIFY(report.photos.empty());
        QCOMPARE(report.problems.size(), std::size_t{1});
        bool asked = false;
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Cancelled, scanFolders({dir.path().toStdString()}, {}, [&] {
                                     asked = true;
                                     return true;
                                 }));
        QVERIFY(asked);
    }

    void hashDependsOnContentOnly() {
        QTemporaryDir dir;
        write(dir.filePath("a"), kJpeg);
        write(dir.filePath("b"), kJpeg);
        write(dir.filePath("c"), kPng);
        const auto a = hashFileContent(dir.filePath("a").toStdString());
        QCOMPARE(a.size(), std::size_t{32});
        QCOMPARE(a, hashFileContent(dir.filePath("b").toStdString()));
        QVERIFY(a != hashFileContent(dir.filePath("c").toStdString()));
        // XXH3-128 of the empty input (xxhash's published test vector).
        write(dir.filePath("empty"), QByteArray());
        QCOMPARE(QString::fromStdString(hashFileContent(dir.filePath("empty").toStdString())),
                 QStringLiteral("99aa06d3014798d86001c324468d497f"));
        QVERIFY_THROWS_EXCEPTION(Error, hashFileContent(dir.filePath("nope").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestLibraryScanner)
#include "test_library_scanner.moc"
