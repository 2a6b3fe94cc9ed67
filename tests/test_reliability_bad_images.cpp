// More than a thousand hostile files, generated here with a fixed seed, indexed by the real
// `abc-photos-cli index`: truncated and bit-flipped files of every format, empty and random
// files with image names, wrong extensions, extreme sizes, header bombs, 16-bit, CMYK,
// palettes with transparency, animation, corrupt EXIF (bad orientations, huge IFD counts, IFD
// loops), named pipes and symlink loops named like photos, non-UTF-8 and very long names.
// The run must end (no hang, bounded memory) and every file must be indexed or reported by
// name with its reason; `status` must list them too.
#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

#include "core/library/sqlite_database.h"
#include "tests/support/cli_process.h"

using namespace abc;
namespace fs = std::filesystem;

namespace {

constexpr unsigned kSeed = 16;

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(path));
    }
    return file.readAll();
}

void writeBytes(const fs::path& path, const QByteArray& bytes) {
    // Through stdio, not QFile: QFile would re-encode a non-UTF-8 name.
    FILE* out = std::fopen(path.c_str(), "wb");
    if (out == nullptr || std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()),
                                      out) != static_cast<std::size_t>(bytes.size())) {
        qFatal("cannot write %s", path.c_str());
    }
    std::fclose(out);
}

std::uint32_t crc32(const QByteArray& bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= static_cast<std::uint8_t>(c);
        for (int k = 0; k < 8; ++k) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

QByteArray be32(std::uint32_t v) {
    QByteArray out(4, '\0');
    for (int i = 0; i < 4; ++i) {
        out[i] = static_cast<char>(v >> (24 - 8 * i));
    }
    return out;
}

// A PNG whose header claims width x height, followed by one tiny (wrong) data chunk.
QByteArray pngClaiming(std::uint32_t width, std::uint32_t height) {
    QByteArray ihdr = "IHDR" + be32(width) + be32(height) + QByteArray("\x08\x02\x00\x00\x00", 5);
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += be32(13) + ihdr + be32(crc32(ihdr));
    const QByteArray idat = "IDAT" + QByteArray("\x78\x9c\x03\x00\x00\x00\x00\x01", 8);
    png += be32(8) + idat + be32(crc32(idat));
    const QByteArray iend = "IEND";
    return png + be32(0) + iend + be32(crc32(iend));
}

// A JPEG with its frame header's size replaced (SOF0/SOF2 height and width fields).
QByteArray jpegClaiming(QByteArray jpeg, std::uint16_t width, std::uint16_t height) {
    for (int i = 2; i + 9 < jpeg.size(); ++i) {
        const auto marker = static_cast<std::uint8_t>(jpeg[i + 1]);
        if (static_cast<std::uint8_t>(jpeg[i]) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
            jpeg[i + 5] = static_cast<char>(height >> 8);
            jpeg[i + 6] = static_cast<char>(height & 0xFF);
            jpeg[i + 7] = static_cast<char>(width >> 8);
            jpeg[i + 8] = static_cast<char>(width & 0xFF);
            return jpeg;
        }
    }
    qFatal("no frame header in the JPEG fixture");
}

// An APP1 Exif segment (big-endian TIFF) with the given IFD0 entries and next-IFD offset,
// placed right after the JPEG's SOI marker.
QByteArray withExif(const QByteArray& jpeg, std::uint16_t entryCount, const QByteArray& entries,
                    std::uint32_t nextIfd) {
    QByteArray tiff("MM\x00\x2a", 4);
    tiff += be32(8);
    tiff += QByteArray(1, static_cast<char>(entryCount >> 8)) +
            QByteArray(1, static_cast<char>(entryCount & 0xFF));
    tiff += entries + be32(nextIfd);
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    const int length = static_cast<int>(payload.size()) + 2;
    QByteArray app1("\xFF\xE1", 2);
    app1 += QByteArray(1, static_cast<char>(length >> 8)) +
            QByteArray(1, static_cast<char>(length & 0xFF)) + payload;
    return jpeg.left(2) + app1 + jpeg.mid(2);
}

QByteArray orientationEntry(std::uint16_t value) {
    // tag 0x0112, type SHORT (3), count 1, value left-justified in the 4-byte field
    QByteArray entry("\x01\x12\x00\x03", 4);
    entry += be32(1);
    entry += QByteArray(1, static_cast<char>(value >> 8)) +
             QByteArray(1, static_cast<char>(value & 0xFF)) + QByteArray(2, '\0');
    return entry;
}

QByteArray encoded(const QImage& image, const char* format) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, format)) {
        qFatal("cannot encode a %s", format);
    }
    return bytes;
}

QImage gradient(int width, int height, QImage::Format format) {
    QImage image(width, height, format);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            image.setPixelColor(x, y, QColor((x * 37) % 256, (y * 11) % 256, (x + y) % 256));
        }
    }
    return image;
}

}  // namespace

class TestReliabilityBadImages : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        dir_.setAutoRemove(!qEnvironmentVariableIsSet("ABC_TEST_KEEP"));
        root_ = fs::path(QDir(dir_.path()).canonicalPath().toStdString()) / "hostile";
        fs::create_directories(root_);
        std::mt19937 rng(kSeed);
        const QString data = QStringLiteral(ABC_TEST_DATA_DIR "/image/");
        const std::map<std::string, QByteArray> valid = {
            {"jpg", readFile(data + "fixtures/115_jpeg_205x192.jpg")},
            {"png", readFile(data + "fixtures/014_rgb_462x350.png")},
            {"webp", readFile(data + "fixtures/042_webp_311x115.webp")},
            {"tif", readFile(data + "fixtures/163_tiff_11x26.tif")},
            {"bmp", readFile(data + "fixtures/089_bmp_138x89.bmp")},
            {"gif", readFile(data + "gif/pillow_animated.gif")},
            {"heic", readFile(data + "gradient_160x120.heic")},
        };
        int n = 0;
        const auto add = [&](const std::string& name, const QByteArray& bytes) {
            writeBytes(root_ / name, bytes);
            ++n;
        };
        for (const auto& [extension, bytes] : valid) {
            add("valid." + extension, bytes);
            add("empty." + extension, QByteArray());
            std::uniform_int_distribution<qsizetype> offset(1, bytes.size() - 1);
            for (int i = 0; i < 80; ++i) {
                add("truncated_" + std::to_string(i) + "." + extension, bytes.left(offset(rng)));
            }
            for (int i = 0; i < 40; ++i) {
                QByteArray flipped = bytes;
                std::uniform_int_distribution<int> flips(1, 8);
                for (int k = flips(rng); k > 0; --k) {
                    flipped[offset(rng)] ^= static_cast<char>(1 << (rng() % 8));
                }
                add("flipped_" + std::to_string(i) + "." + extension, flipped);
            }
            for (int i = 0; i < 20; ++i) {
                std::uniform_int_distribution<int> length(1, 4096);
                QByteArray noise(length(rng), '\0');
                for (auto& c : noise) {
                    c = static_cast<char>(rng());
                }
                add("random_" + std::to_string(i) + "." + extension, noise);
            }
        }
        // Right content, wrong name: the content decides, so each of these is a photo.
        add("png_named.jpg", valid.at("png"));
        add("jpeg_named.png", valid.at("jpg"));
        add("heic_named.jpg", valid.at("heic"));
        add("gif_named.webp", valid.at("gif"));
        add("text_named.webp", "<html>not a picture</html>");
        // Sizes at and past the limits.
        add("one_pixel.png", encoded(gradient(1, 1, QImage::Format_RGB32), "PNG"));
        add("1x100000.png", encoded(gradient(1, 100000, QImage::Format_RGB32), "PNG"));
        add("100000x1.png", encoded(gradient(100000, 1, QImage::Format_RGB32), "PNG"));
        add("bomb_30000.png", pngClaiming(30000, 30000));
        add("bomb_65535.png", pngClaiming(65535, 65535));
        add("bomb_30000.jpg", jpegClaiming(valid.at("jpg"), 30000, 30000));
        add("bomb_65535.jpg", jpegClaiming(valid.at("jpg"), 65535, 65535));
        // Pixel formats.
        add("rgba64.png", encoded(gradient(64, 48, QImage::Format_RGBA64), "PNG"));
        add("grey16.png", encoded(gradient(64, 48, QImage::Format_Grayscale16), "PNG"));
        add("rgba64.tif", encoded(gradient(64, 48, QImage::Format_RGBA64), "TIFF"));
        add("cmyk.jpg", readFile(data + "fixtures/203_cmyk_321x325.jpg"));
        QImage palette(40, 30, QImage::Format_Indexed8);
        palette.setColorTable({qRgba(0, 0, 0, 0), qRgba(255, 0, 0, 128), qRgba(0, 255, 0, 255)});
        for (int y = 0; y < palette.height(); ++y) {
            for (int x = 0; x < palette.width(); ++x) {
                palette.setPixel(x, y, static_cast<uint>((x + y) % 3));
            }
        }
        add("palette_transparent.png", encoded(palette, "PNG"));
        // EXIF that lies.
        const QByteArray jpeg = valid.at("jpg");
        for (const std::uint16_t orientation : {0, 9, 65535}) {
            add("orientation_" + std::to_string(orientation) + ".jpg",
                withExif(jpeg, 1, orientationEntry(orientation), 0));
        }
        add("exif_huge_count.jpg", withExif(jpeg, 0xFFFF, orientationEntry(6), 0));
        add("exif_ifd_loop.jpg", withExif(jpeg, 1, orientationEntry(6), 8));
        add("exif_next_past_end.jpg", withExif(jpeg, 1, orientationEntry(3), 0x7FFFFFFF));
        // Names.
        add(std::string("caf\xe9_latin1.jpg"), jpeg);
        add(std::string(240, 'n') + ".jpg", valid.at("png"));
        files_ = n;
        // Not regular files, named like photos: reported, never opened (a pipe would block).
        QVERIFY(::mkfifo((root_ / "pipe.jpg").c_str(), 0600) == 0);
        fs::create_symlink(root_ / "loop.jpg", root_ / "loop.jpg");
        QVERIFY(files_ >= 1000);
    }

    void everyFileIsIndexedOrReportedWithItsReason() {
        const QString db = dir_.filePath("library.sqlite3");
        QElapsedTimer clock;
        clock.start();
        const auto index =
            test::runCli(QStringList{"index", QString::fromStdString(root_.string()), "--db", db,
                                     "--max-image-tokens", "16", "--batch-tokens", "256"} +
                             test::tinyModelArgs(),
                         600000);
        const qint64 indexMs = clock.elapsed();
        QVERIFY2(index.exitCode == 0, index.err.constData());

        SqliteDatabase database(db.toStdString(), SqliteDatabase::Mode::ReadOnly);
        std::set<std::string> indexed;
        // A photo is indexed when it has a vector: a file whose header read fine but whose
        // pixels did not decode keeps its file row, with the failure beside it.
        SqliteStatement files(database,
                              "SELECT f.path FROM files f JOIN vectors v ON v.photo_id = "
                              "f.photo_id");
        while (files.step()) {
            indexed.insert(files.columnText(0));
        }
        std::map<std::string, std::string> failed;
        SqliteStatement failures(database, "SELECT path, reason FROM failures");
        while (failures.step()) {
            failed[failures.columnText(0)] = failures.columnText(1);
        }
        int photos = 0;
        for (const auto& entry : fs::directory_iterator(root_)) {
            const std::string path = entry.path().string();
            if (entry.is_symlink()) {
                // A link that leads nowhere is a place the scan could not see, named in the
                // run's output (it is not a file the library could hold).
                QVERIFY2(
                    index.out.contains(QByteArray::fromStdString(path + ": symbolic link loop")),
                    index.out.constData());
                continue;
            }
            const bool isPhoto = indexed.contains(path);
            const auto reason = failed.find(path);
            QVERIFY2(isPhoto != (reason != failed.end()),
                     qPrintable(QString("%1 is %2")
                                    .arg(QString::fromStdString(path),
                                         isPhoto ? "indexed and failed"
                                                 : "neither indexed nor reported")));
            if (!isPhoto) {
                QVERIFY2(!reason->second.empty(), path.c_str());
            }
            photos += isPhoto ? 1 : 0;
        }
        const auto reasonOf = [&](const std::string& name) {
            const auto it = failed.find((root_ / name).string());
            return it == failed.end() ? QString() : QString::fromStdString(it->second);
        };
        for (const char* name : {"valid.jpg",
                                 "valid.png",
                                 "valid.webp",
                                 "valid.tif",
                                 "valid.bmp",
                                 "valid.gif",
                                 "valid.heic",
                                 "png_named.jpg",
                                 "jpeg_named.png",
                                 "heic_named.jpg",
                                 "gif_named.webp",
                                 "cmyk.jpg",
                                 "rgba64.png",
                                 "grey16.png",
                                 "palette_transparent.png",
                                 "one_pixel.png",
                                 "orientation_0.jpg",
                                 "orientation_9.jpg",
                                 "orientation_65535.jpg",
                                 "caf\xe9_latin1.jpg"}) {
            QVERIFY2(indexed.contains((root_ / name).string()),
                     qPrintable(QString::fromStdString(name) + ": " + reasonOf(name)));
        }
        QCOMPARE(reasonOf("empty.jpg"), QStringLiteral("empty file (0 bytes)"));
        QCOMPARE(reasonOf("pipe.jpg"), QStringLiteral("not a regular file (a named pipe)"));
        QVERIFY(reasonOf("text_named.webp").startsWith("not an image: named .webp"));
        for (const char* bomb :
             {"bomb_30000.png", "bomb_65535.png", "bomb_30000.jpg", "bomb_65535.jpg"}) {
            QVERIFY2(reasonOf(bomb).contains("above the limit"), qPrintable(reasonOf(bomb)));
        }
        QVERIFY2(reasonOf("1x100000.png").contains("aspect ratio"),
                 qPrintable(reasonOf("1x100000.png")));

        // `status` lists every one of them, by name, also in JSON (with non-UTF-8 names).
        const auto status = test::runCli({"status", "--db", db, "--json"});
        QVERIFY2(status.exitCode == 0, status.err.constData());
        QJsonParseError error{};
        const QJsonDocument json = QJsonDocument::fromJson(status.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(json.object().value("failures").toArray().size(),
                 static_cast<qsizetype>(failed.size()));

        rusage usage{};
        getrusage(RUSAGE_CHILDREN, &usage);
        const double peakMb = static_cast<double>(usage.ru_maxrss) / 1024.0;
        qInfo(
            "%d files (+ a pipe and a link loop): %d indexed, %zu reported with a reason; "
            "index took %.1f s, peak RSS of a CLI run %.0f MB",
            files_, photos, failed.size(), static_cast<double>(indexMs) / 1000.0, peakMb);
        QVERIFY2(peakMb < 2048, "memory is not bounded");
    }

    void cleanupTestCase() {
        // QTemporaryDir cannot remove a symlink loop or a pipe by itself.
        std::error_code ignored;
        fs::remove(root_ / "loop.jpg", ignored);
        fs::remove(root_ / "pipe.jpg", ignored);
    }

  private:
    QTemporaryDir dir_;
    fs::path root_;
    int files_ = 0;
};

QTEST_GUILESS_MAIN(TestReliabilityBadImages)
#include "test_reliability_bad_images.moc"
