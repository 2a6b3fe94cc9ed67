// GIF decoding matches Pillow's Image.open(...).convert("RGB") of the first frame pixel for
// pixel (goldens made by tests/data/image/gif/make_fixtures.py), probing reports Pillow's
// size, damaged files fail with abc::Error naming the file, and the indexer embeds a GIF.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <random>
#include <string>
#include <vector>

#include "core/image/decode.h"
#include "core/image/probe.h"
#include "core/io/error.h"
#include "support/cli_process.h"

namespace {

const QString kGifDir = QStringLiteral(ABC_TEST_DATA_DIR "/image/gif/");
const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");

QJsonArray fixtures() {
    QFile file(kGifDir + "manifest.json");
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(file.fileName()));
    }
    return QJsonDocument::fromJson(file.readAll()).object().value("fixtures").toArray();
}

std::vector<std::uint8_t> readAll(const QString& path) {
    return abc::readFileBytes(path.toStdString());
}

// Decoding must either succeed or throw abc::Error whose subject and message name `subject`.
// A damaged size field is refused above 4 M pixels so no trial allocates much.
bool decodesOrFailsNamingSubject(const std::vector<std::uint8_t>& bytes,
                                 const std::string& subject) {
    abc::DecodeOptions options;
    options.maxPixels = std::int64_t{1} << 22;
    try {
        abc::decodeImage(bytes, subject, options);
        return true;
    } catch (const abc::Error& e) {
        return e.subject() == subject && std::string(e.what()).find(subject) != std::string::npos;
    }
}

}  // namespace

class TestImageGif : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY2(fixtures().size() >= 20, "tests/data/image/gif/manifest.json lists no fixtures");
    }

    void firstFrameEqualsPillow() {
        int compared = 0;
        for (const QJsonValue& value : fixtures()) {
            const QJsonObject entry = value.toObject();
            if (!entry.contains("golden")) {
                continue;
            }
            const QString path = kGifDir + entry.value("file").toString();
            const int width = entry.value("width").toInt();
            const int height = entry.value("height").toInt();
            const std::vector<std::uint8_t> golden =
                readAll(kGifDir + entry.value("golden").toString());
            QCOMPARE(golden.size(), std::size_t(width) * height * 3);

            const abc::ImageProbe probe = abc::probeImage(readAll(path), path.toStdString());
            QCOMPARE(probe.format, abc::ImageFormat::Gif);
            QCOMPARE(probe.width, width);
            QCOMPARE(probe.height, height);

            const abc::DecodedImage decoded = abc::decodeImageFile(path.toStdString());
            QCOMPARE(decoded.rgb.width, width);
            QCOMPARE(decoded.rgb.height, height);
            for (std::size_t i = 0; i < golden.size(); ++i) {
                if (decoded.rgb.pixels[i] != golden[i]) {
                    const std::size_t pixel = i / 3;
                    QFAIL(qPrintable(QString("%1: pixel (%2, %3) channel %4 is %5, Pillow has %6")
                                         .arg(path)
                                         .arg(pixel % width)
                                         .arg(pixel / width)
                                         .arg(i % 3)
                                         .arg(decoded.rgb.pixels[i])
                                         .arg(golden[i])));
                }
            }
            ++compared;
        }
        QVERIFY(compared >= 15);
    }

    // Files Pillow refuses are refused here too, with the file named.
    void damagedFilesFailNamingTheFile() {
        int refused = 0;
        for (const QJsonValue& value : fixtures()) {
            const QJsonObject entry = value.toObject();
            if (!entry.contains("pillow_error")) {
                continue;
            }
            const std::string path = (kGifDir + entry.value("file").toString()).toStdString();
            try {
                abc::decodeImageFile(path);
                QFAIL(qPrintable(QString::fromStdString(path) + " decoded; Pillow says " +
                                 entry.value("pillow_error").toString()));
            } catch (const abc::Error& e) {
                QCOMPARE(e.subject(), path);
                QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
                QVERIFY2(!e.problem().empty(), e.what());
            }
            ++refused;
        }
        QVERIFY(refused >= 6);
    }

    // A 65535 x 65535 screen is refused from its header, with the limit the other formats use.
    void hugeScreenIsRefusedBeforeDecoding() {
        const QString path = kGifDir + "bad_huge_screen.gif";
        const abc::ImageProbe probe = abc::probeImage(readAll(path), path.toStdString());
        QCOMPARE(probe.width, 65535);
        QCOMPARE(probe.height, 65535);
        try {
            abc::decodeImageFile(path.toStdString());
            QFAIL("a 4.3 G pixel GIF decoded");
        } catch (const abc::Error& e) {
            QVERIFY2(
                e.problem().find(std::to_string(abc::kDefaultMaxImagePixels)) != std::string::npos,
                e.what());
        }
    }

    void everyTruncationAndRandomDamageIsHandled() {
        for (const char* name : {"pillow_animated.gif", "interlaced_offset.gif"}) {
            const std::vector<std::uint8_t> bytes = readAll(kGifDir + name);
            for (std::size_t keep = 0; keep < bytes.size(); ++keep) {
                const std::vector<std::uint8_t> cut(bytes.begin(),
                                                    bytes.begin() + static_cast<long>(keep));
                QVERIFY2(decodesOrFailsNamingSubject(cut, "cut.gif"),
                         qPrintable(QString("%1 cut to %2 bytes").arg(name).arg(keep)));
            }
            std::mt19937 random(7);
            for (int trial = 0; trial < 300; ++trial) {
                std::vector<std::uint8_t> damaged = bytes;
                for (int hit = 0; hit < 4; ++hit) {
                    damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random());
                }
                QVERIFY2(decodesOrFailsNamingSubject(damaged, "damaged.gif"),
                         qPrintable(QString("%1 trial %2").arg(name).arg(trial)));
            }
        }
    }

    // The scanner has always listed GIFs as photos; now the indexer embeds them.
    void indexerEmbedsGifs() {
        QVERIFY2(QFileInfo::exists(kTiny + "/Qwen2-VL/config.json"),
                 "the tiny checkpoint is missing");
        QTemporaryDir dir;
        const QString root = dir.filePath("photos");
        QVERIFY(QDir().mkpath(root));
        for (const char* name : {"pillow_animated.gif", "offset_frame_transparency.gif"}) {
            QVERIFY(QFile::copy(kGifDir + name, root + "/" + name));
        }
        abc::test::CliOptions merged;
        merged.output = abc::test::CliOutput::Merged;
        const abc::test::CliResult r =
            abc::test::runCli(QStringList{"index", "--db", dir.filePath("lib.sqlite3")} +
                                  abc::test::tinyModelArgs() + QStringList{root},
                              merged);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(r.exitCode == 0, qPrintable(out));
        const auto embedded = QRegularExpression("embedded (\\d+)").match(out);
        const auto failed = QRegularExpression("failed (\\d+)").match(out);
        QVERIFY2(embedded.hasMatch() && embedded.captured(1) == "2", qPrintable(out));
        QVERIFY2(!failed.hasMatch() || failed.captured(1) == "0", qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestImageGif)
#include "test_image_gif.moc"
