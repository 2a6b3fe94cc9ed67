// Decoding never crashes and names the file: truncated, corrupt and empty files, headers
// claiming huge sizes (refused before any pixel is decoded), random byte damage; plus EXIF
// orientation on a rotated JPEG.
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/image/decode.h"
#include "core/image/orientation.h"
#include "core/image/probe.h"
#include "core/io/error.h"

namespace {

const std::string kImages = std::string(ABC_REFERENCE_DIR) + "/images/";
const std::string kFixtures = std::string(ABC_TEST_DATA_DIR) + "/image/fixtures/";

// Decoding must either succeed or throw abc::Error whose message names `subject`.
bool failsNamingSubject(const std::vector<std::uint8_t>& bytes, const std::string& subject,
                        const abc::DecodeOptions& options = {}) {
    try {
        abc::decodeImage(bytes, subject, options);
    } catch (const abc::Error& e) {
        return e.subject() == subject && std::string(e.what()).find(subject) != std::string::npos;
    }
    return false;
}

void putBe32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
    b[at] = v >> 24;
    b[at + 1] = (v >> 16) & 0xFF;
    b[at + 2] = (v >> 8) & 0xFF;
    b[at + 3] = v & 0xFF;
}

}  // namespace

class TestImageDecode : public QObject {
    Q_OBJECT

  private slots:
    void truncatedFilesFail() {
        for (const char* name : {"dog_and_cat.jpg", "noise_4000x3000.jpg", "gradient_640x480.png",
                                 "rgba_300x200.png"}) {
            const std::vector<std::uint8_t> bytes = abc::readFileBytes(kImages + name);
            for (double keep : {0.5, 0.9, 0.99}) {
                const std::vector<std::uint8_t> cut(
                    bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * keep));
                QVERIFY2(failsNamingSubject(cut, std::string("cut-") + name), name);
            }
        }
    }

    void garbageAndEmptyFail() {
        QVERIFY(failsNamingSubject({}, "empty.jpg"));
        QVERIFY(failsNamingSubject({'h', 'e', 'l', 'l', 'o'}, "text.jpg"));
        QVERIFY(failsNamingSubject({0xFF, 0xD8, 0xFF}, "stub.jpg"));
        QVERIFY(failsNamingSubject({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, "stub.png"));
        QVERIFY(
            failsNamingSubject({'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'}, "stub.webp"));
        QVERIFY(failsNamingSubject({'I', 'I', 42, 0, 8, 0, 0, 0}, "stub.tif"));
        QVERIFY(failsNamingSubject(
            {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            "stub.bmp"));
        QVERIFY(failsNamingSubject(
            {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0}, "stub.heic"));
        // An unreadable path names the file too.
        try {
            abc::decodeImageFile("/nonexistent/photo.jpg");
            QFAIL("no error");
        } catch (const abc::Error& e) {
            QCOMPARE(e.subject(), std::string("/nonexistent/photo.jpg"));
        }
    }

    void hugeDimensionsAreRefusedBeforeDecoding() {
        // A valid PNG whose IHDR claims 100000 x 100000 (10^10 pixels).
        std::vector<std::uint8_t> png = abc::readFileBytes(kImages + "gradient_640x480.png");
        putBe32(png, 16, 100000);
        putBe32(png, 20, 100000);
        try {
            abc::decodeImage(png, "bomb.png");
            QFAIL("no error");
        } catch (const abc::Error& e) {
            QCOMPARE(e.subject(), std::string("bomb.png"));
            QVERIFY2(std::string(e.what()).find("limit") != std::string::npos, e.what());
        }
        // JPEG SOF claiming 65000 x 65000.
        std::vector<std::uint8_t> jpeg = abc::readFileBytes(kImages + "dog_and_cat.jpg");
        const abc::ImageProbe probe = abc::probeImage(jpeg, "dog");
        QCOMPARE(probe.width, 612);
        for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
            if (jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2)) {
                jpeg[i + 5] = 0xFD;
                jpeg[i + 6] = 0xE8;
                jpeg[i + 7] = 0xFD;
                jpeg[i + 8] = 0xE8;
                break;
            }
        }
        QVERIFY(failsNamingSubject(jpeg, "bomb.jpg"));
        // The limit is configurable: a tiny one refuses a normal photo, none accepts it.
        abc::DecodeOptions small;
        small.maxPixels = 1000;
        const std::vector<std::uint8_t> dog = abc::readFileBytes(kImages + "dog_and_cat.jpg");
        QVERIFY(failsNamingSubject(dog, "dog.jpg", small));
        abc::DecodeOptions unlimited;
        unlimited.maxPixels = 0;
        QCOMPARE(abc::decodeImage(dog, "dog.jpg", unlimited).rgb.width, 612);
    }

    void randomDamageNeverCrashes() {
        std::mt19937 rng(12345);
        std::vector<std::string> files = {kImages + "dog_and_cat.jpg", kImages + "tiny_40x30.jpg",
                                          kImages + "rgba_300x200.png"};
        for (const char* f : {"072_webp_113x284.webp", "028_tiff_51x61.tif", "089_bmp_138x89.bmp",
                              "053_cmyk_50x175.jpg", "096_i16_277x238.png"}) {
            files.push_back(kFixtures + f);
        }
        int failures = 0;
        int decoded = 0;
        for (const std::string& file : files) {
            const std::vector<std::uint8_t> original = abc::readFileBytes(file);
            for (int round = 0; round < 40; ++round) {
                std::vector<std::uint8_t> bytes = original;
                const int flips = 1 + static_cast<int>(rng() % 16);
                for (int i = 0; i < flips; ++i) {
                    bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
                }
                if (rng() % 4 == 0) {
                    bytes.resize(rng() % bytes.size());
                }
                try {
                    abc::decodeImage(bytes, "damaged");
                    ++decoded;
                } catch (const abc::Error& e) {
                    QCOMPARE(e.subject(), std::string("damaged"));
                    ++failures;
                }
            }
        }
        qInfo("damaged inputs: %d decoded, %d refused with an error", decoded, failures);
        QVERIFY(failures > 0);
    }

    void exifOrientationIsApplied() {
        // exif_o6: stored landscape, EXIF says "rotate 90 clockwise to show".
        const std::string file = kFixtures + "exif_o6_61x85.png";
        abc::DecodeOptions raw;
        raw.applyExifOrientation = false;
        const abc::DecodedImage stored = abc::decodeImageFile(file, raw);
        const abc::DecodedImage shown = abc::decodeImageFile(file);
        QCOMPARE(shown.probe.orientation, 6);
        QCOMPARE(shown.rgb.width, stored.rgb.height);
        QCOMPARE(shown.rgb.height, stored.rgb.width);
        // Top-left shown pixel is the stored bottom-left one.
        const std::uint8_t* a = shown.rgb.row(0);
        const std::uint8_t* b = stored.rgb.row(stored.rgb.height - 1);
        QCOMPARE(std::vector<int>(a, a + 3), std::vector<int>(b, b + 3));
        // Every orientation round-trips through its inverse.
        const abc::RgbImage& img = stored.rgb;
        const int inverse[9] = {1, 1, 2, 3, 4, 5, 8, 7, 6};
        for (int o = 1; o <= 8; ++o) {
            const abc::RgbImage back =
                abc::applyExifOrientation(abc::applyExifOrientation(img, o), inverse[o]);
            QVERIFY2(back.pixels == img.pixels, std::to_string(o).c_str());
        }
    }
    // A HEIC (HEVC, 4:2:0, lossy) made from a PNG by libheif through pillow-heif: it decodes to
    // the PNG's size and, within the codec's loss, its pixels; a damaged copy is refused.
    void heicDecodesThroughLibheif() {
        const std::string dir = std::string(ABC_TEST_DATA_DIR) + "/image/";
        const auto heic = abc::decodeImageFile(dir + "gradient_160x120.heic");
        QCOMPARE(heic.probe.format, abc::ImageFormat::Heif);
        QCOMPARE(heic.rgb.width, 160);
        QCOMPARE(heic.rgb.height, 120);
        const auto png = abc::decodeImageFile(dir + "gradient_160x120.png");
        QCOMPARE(heic.rgb.pixels.size(), png.rgb.pixels.size());
        double sum = 0;
        for (std::size_t i = 0; i < png.rgb.pixels.size(); ++i) {
            sum += std::abs(int(heic.rgb.pixels[i]) - int(png.rgb.pixels[i]));
        }
        const double meanAbs = sum / double(png.rgb.pixels.size());
        QVERIFY2(meanAbs < 4.0, std::to_string(meanAbs).c_str());  // pillow-heif reads 1.98

        auto bytes = abc::readFileBytes(dir + "gradient_160x120.heic");
        bytes.resize(bytes.size() / 2);
        try {
            abc::decodeImage(bytes, "half.heic");
            QFAIL("a truncated HEIC decoded");
        } catch (const abc::Error& e) {
            QVERIFY2(std::string(e.what()).find("half.heic") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestImageDecode)
#include "test_image_decode.moc"
