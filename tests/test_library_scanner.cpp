// The folder scanner on a real tree: recursion, magic bytes over extensions (BMP by its
// headers, not two letters), hidden folders, symlink loops, folders it cannot read, and the
// content hash.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/io/error.h"
#include "core/library/photo_decoder.h"
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

void putLe16(QByteArray& bytes, int value) {
    bytes.append(char(value & 0xff)).append(char((value >> 8) & 0xff));
}

void putLe32(QByteArray& bytes, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) {
        bytes.append(char((value >> (8 * i)) & 0xff));
    }
}

// A 2x2 24-bit bitmap: file header, then an info header of `infoSize` bytes (40: Windows
// BITMAPINFOHEADER, 12: OS/2 core header), then rows padded to 4 bytes.
QByteArray bitmap2x2(int infoSize) {
    const int pixelOffset = 14 + infoSize;
    const int rowBytes = 8;  // 2 pixels * 3 bytes, padded
    QByteArray bytes("BM");
    putLe32(bytes, std::uint32_t(pixelOffset + 2 * rowBytes));
    putLe32(bytes, 0);  // reserved
    putLe32(bytes, std::uint32_t(pixelOffset));
    putLe32(bytes, std::uint32_t(infoSize));
    if (infoSize == 12) {
        putLe16(bytes, 2);
        putLe16(bytes, 2);
        putLe16(bytes, 1);   // planes
        putLe16(bytes, 24);  // bits per pixel
    } else {
        putLe32(bytes, 2);
        putLe32(bytes, 2);
        putLe16(bytes, 1);
        putLe16(bytes, 24);
        putLe32(bytes, 0);  // BI_RGB
        putLe32(bytes, std::uint32_t(2 * rowBytes));
        putLe32(bytes, 2835);
        putLe32(bytes, 2835);
        putLe32(bytes, 0);
        putLe32(bytes, 0);
    }
    for (int row = 0; row < 2; ++row) {
        bytes.append(QByteArray::fromHex("0000ffff0000")).append(QByteArray(2, '\0'));
    }
    return bytes;
}

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
        QCOMPARE(report.skipped.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(report.skipped[0].file.path), root + "/sub/fake.jpg");
        QCOMPARE(QString::fromStdString(report.skipped[0].reason),
                 QStringLiteral("not an image: named .jpg but the content is not JPEG, PNG, "
                                "WebP, TIFF, BMP, GIF or HEIC"));
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

    // Nothing is skipped without a word: each file that is not indexed has its reason, and
    // files that would block or loop the scan are reported, not opened.
    void everyFileNotIndexedHasAReason() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/a.jpg", kJpeg);
        write(root + "/empty.jpg", QByteArray());
        write(root + "/notes.txt", "shopping list");
        QVERIFY(::mkfifo((root + "/pipe.jpg").toLocal8Bit().constData(), 0600) == 0);
        std::filesystem::create_symlink(root.toStdString() + "/loop.jpg",
                                        root.toStdString() + "/loop.jpg");
        const ScanReport report = scanFolders({root.toStdString()});
        QCOMPARE(names(report, root), QStringList({"a.jpg"}));
        QStringList skipped;
        for (const auto& file : report.skipped) {
            skipped << QString::fromStdString(file.file.path).mid(root.size() + 1) + ": " +
                           QString::fromStdString(file.reason);
        }
        QCOMPARE(skipped, QStringList({"empty.jpg: empty file (0 bytes)", "notes.txt: not an image",
                                       "pipe.jpg: not a regular file (a named pipe)"}));
        QCOMPARE(report.problems.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(report.problems[0].path), root + "/loop.jpg");
        QCOMPARE(QString::fromStdString(report.problems[0].reason),
                 QStringLiteral("symbolic link loop"));
    }

    void missingRootIsAProblemNotACrash() {
        const ScanReport report = scanFolders({"/definitely/not/here"});
        QVERIFY(report.photos.empty());
        QCOMPARE(report.problems.size(), std::size_t{1});
        bool asked = false;
        QTemporaryDir dir;
        std::stop_source stop;
        stop.request_stop();
        QVERIFY_THROWS_EXCEPTION(Cancelled, scanFolders({dir.path().toStdString()}, {},
                                                        stop.get_token(), [&] { asked = true; }));
        QVERIFY(asked);
    }

    // "BM" is a bitmap's signature and also how "BMW ..." or "BMI ..." starts: the scanner
    // must not take such a text for an image that then fails to decode.
    void bitmapIsRecognisedByItsHeadersNotTwoLetters() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/windows.bmp", bitmap2x2(40));
        write(root + "/os2.bmp", bitmap2x2(12));
        write(root + "/car.txt", "BMW 320d: oil change at 30000 km, brakes checked, tyres ok.\n");
        write(root + "/bmi.bmp", "BMI 22.5 (normal weight) measured on Monday morning\n");
        write(root + "/short.bmp", "BM");
        QByteArray zeroHeader("BM");
        zeroHeader.append(QByteArray(30, '\0'));  // an info header size of 0 is no bitmap
        write(root + "/zero.bmp", zeroHeader);
        const ScanReport report = scanFolders({root.toStdString()});
        QCOMPARE(names(report, root), QStringList({"os2.bmp", "windows.bmp"}));
        for (const auto& photo : report.photos) {
            QCOMPARE(QString::fromStdString(photo.mediaType), QStringLiteral("bmp"));
        }
        QStringList skipped;
        for (const auto& file : report.skipped) {
            skipped << QString::fromStdString(file.file.path).mid(root.size() + 1) + ": " +
                           QString::fromStdString(file.reason).section(':', 0, 0);
        }
        QCOMPARE(skipped, QStringList({"bmi.bmp: not an image", "car.txt: not an image",
                                       "short.bmp: not an image", "zero.bmp: not an image"}));
        QVERIFY(!detectMediaType((root + "/car.txt").toStdString()));

        // The bitmaps built here are real ones: the product decoder reads their size.
        const auto decoder = makePhotoDecoder();
        for (const QString& name : {QStringLiteral("windows.bmp"), QStringLiteral("os2.bmp")}) {
            PhotoFacts facts;
            decoder->probe((root + "/" + name).toStdString(), facts);
            QCOMPARE(facts.width, 2);
            QCOMPARE(facts.height, 2);
        }
    }

    // Roots that are missing or not folders are listed as unreadable folders (with the path
    // the walk would have used), so a library keeps what it recorded there.
    void unreachableRootsAreUnreadableFolders() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/file.jpg", kJpeg);
        const ScanReport report =
            scanFolders({(root + "/gone/").toStdString(), (root + "/file.jpg").toStdString()});
        QVERIFY(report.photos.empty());
        QCOMPARE(report.unreadableFolders.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(report.unreadableFolders[0].path), root + "/gone");
        QCOMPARE(QString::fromStdString(report.unreadableFolders[0].reason),
                 QStringLiteral("folder not found"));
        QCOMPARE(QString::fromStdString(report.unreadableFolders[1].path), root + "/file.jpg");
        QCOMPARE(QString::fromStdString(report.unreadableFolders[1].reason),
                 QStringLiteral("not a folder"));
        QCOMPARE(report.problems.size(), std::size_t{2});

        const ScanReport fine = scanFolders({root.toStdString()});
        QCOMPARE(fine.photos.size(), std::size_t{1});
        QVERIFY(fine.unreadableFolders.empty());
    }

    // A folder the scan may not list (chmod 000), or list but not enter (chmod 444), is
    // unreadable, not empty; so is a symbolic link whose target is gone (a drive not mounted).
    void foldersItCannotReadAreListed() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        write(root + "/open/a.jpg", kJpeg);
        write(root + "/locked/b.jpg", kPng);
        write(root + "/listable/c.jpg", kHeic);
        write(root + "/elsewhere/d.jpg", kWebp);
        std::filesystem::create_directory_symlink(root.toStdString() + "/elsewhere",
                                                  root.toStdString() + "/open/drive");
        QCOMPARE(scanFolders({root.toStdString()}).photos.size(), std::size_t{4});  // d.jpg once
        QVERIFY(QFile::rename(root + "/elsewhere", root + "/.unmounted"));

        if (::geteuid() == 0) {
            // Root reads any folder whatever its mode, so only the broken link can be shown.
            const ScanReport report = scanFolders({root.toStdString()});
            QCOMPARE(report.unreadableFolders.size(), std::size_t{1});
            QCOMPARE(QString::fromStdString(report.unreadableFolders[0].path),
                     root + "/open/drive");
            QSKIP(
                "running as root: chmod does not stop root from reading a folder; the "
                "unreadable-folder cases need an ordinary user");
        }
        QVERIFY(QFile::setPermissions(root + "/locked", QFileDevice::Permissions()));
        QVERIFY(QFile::setPermissions(root + "/listable", QFileDevice::ReadOwner |
                                                              QFileDevice::ReadGroup |
                                                              QFileDevice::ReadOther));
        const ScanReport report = scanFolders({root.toStdString()});
        QVERIFY(QFile::setPermissions(root + "/locked", QFileDevice::ReadOwner |
                                                            QFileDevice::WriteOwner |
                                                            QFileDevice::ExeOwner));
        QVERIFY(QFile::setPermissions(root + "/listable", QFileDevice::ReadOwner |
                                                              QFileDevice::WriteOwner |
                                                              QFileDevice::ExeOwner));
        QCOMPARE(names(report, root), QStringList({"open/a.jpg"}));
        QStringList unreadable;
        for (const auto& folder : report.unreadableFolders) {
            unreadable << QString::fromStdString(folder.path).mid(root.size() + 1);
        }
        unreadable.sort();
        QCOMPARE(unreadable, QStringList({"listable", "locked", "open/drive"}));
        QCOMPARE(report.problems.size(), std::size_t{3});
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
