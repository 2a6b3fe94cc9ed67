// ABC's two-stage preprocessing against the reference goldens (preprocess.json hashes,
// stage PNGs and pixel_values.safetensors), plus smart_resize's exact arithmetic.
#include <QCryptographicHash>
#include <QTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/image/decode.h"
#include "core/image/image_preprocessor.h"
#include "core/image/smart_resize.h"
#include "core/io/error.h"
#include "core/io/safetensors.h"

namespace {

const std::string kReference = ABC_REFERENCE_DIR;

QByteArray sha256(const void* data, std::size_t size) {
    return QCryptographicHash::hash(
               QByteArrayView(static_cast<const char*>(data), static_cast<qsizetype>(size)),
               QCryptographicHash::Sha256)
        .toHex();
}

// Max level difference and fraction of exactly equal values between two RGB images.
std::pair<int, double> compareRgb(const abc::RgbImage& a, const abc::RgbImage& b) {
    int maxDiff = 0;
    std::size_t equal = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        const int d = std::abs(int{a.pixels[i]} - int{b.pixels[i]});
        maxDiff = std::max(maxDiff, d);
        equal += d == 0 ? 1 : 0;
    }
    return {maxDiff, static_cast<double>(equal) / static_cast<double>(a.pixels.size())};
}

}  // namespace

class TestImagePreprocess : public QObject {
    Q_OBJECT

  private slots:
    void goldens() {
        std::ifstream in(kReference + "/goldens/preprocess.json");
        QVERIFY(in.good());
        const nlohmann::json root = nlohmann::json::parse(in);
        const abc::SafetensorsFile pixelValues =
            abc::SafetensorsFile::open(kReference + "/goldens/pixel_values.safetensors");
        abc::ImagePreprocessorOptions options;
        options.decode.applyExifOrientation = false;  // parity mode (no image has a tag)
        const abc::ImagePreprocessor preprocessor(options);
        int pixelValueImages = 0;
        for (const auto& g : root.at("images")) {
            const std::string name = g.at("image").get<std::string>();
            const QByteArray where = QByteArray::fromStdString(name);
            const std::string path = kReference + "/images/" + name;
            const abc::DecodedImage decoded = abc::decodeImageFile(path, options.decode);
            if (g.contains("decoded_rgb_sha256") && g.at("decoded_rgb_sha256").is_string()) {
                QVERIFY2(
                    sha256(decoded.rgb.pixels.data(), decoded.rgb.pixels.size()) ==
                        QByteArray::fromStdString(g.at("decoded_rgb_sha256").get<std::string>()),
                    where.constData());
            }
            const abc::PreprocessedImage r = preprocessor.preprocess(decoded.rgb, path);
            QCOMPARE(r.original.width, g.at("original_size").at("width").get<int>());
            QCOMPARE(r.original.height, g.at("original_size").at("height").get<int>());
            QCOMPARE(r.stage1.width, g.at("stage1_size").at("width").get<int>());
            QCOMPARE(r.stage1.height, g.at("stage1_size").at("height").get<int>());
            QCOMPARE(r.resized.width, g.at("stage2_size").at("width").get<int>());
            QCOMPARE(r.resized.height, g.at("stage2_size").at("height").get<int>());
            QCOMPARE(r.patches.grid.t, g.at("grid_thw")[0].get<std::int64_t>());
            QCOMPARE(r.patches.grid.h, g.at("grid_thw")[1].get<std::int64_t>());
            QCOMPARE(r.patches.grid.w, g.at("grid_thw")[2].get<std::int64_t>());
            QCOMPARE(r.patches.tokenCount(), g.at("num_image_tokens").get<std::int64_t>());

            // Stage images: the stated tolerance (<= 1 level, >= 99.9 % exact) against the
            // golden PNGs, and the hash for bit-exactness.
            for (const auto& [image, png, hash] :
                 {std::tuple{&r.stage1, "stage1_png", "stage1_rgb_sha256"},
                  std::tuple{&r.resized, "resized_png", "stage2_rgb_sha256"}}) {
                const abc::DecodedImage golden =
                    abc::decodeImageFile(kReference + "/goldens/" + g.at(png).get<std::string>());
                QCOMPARE(golden.rgb.pixels.size(), image->pixels.size());
                const auto [maxDiff, exactFraction] = compareRgb(golden.rgb, *image);
                QVERIFY2(maxDiff <= 1 && exactFraction >= 0.999, where.constData());
                QVERIFY2(sha256(image->pixels.data(), image->pixels.size()) ==
                             QByteArray::fromStdString(g.at(hash).get<std::string>()),
                         where.constData());
            }
            const std::size_t bytes = r.patches.values.size() * sizeof(float);
            QVERIFY2(
                sha256(r.patches.values.data(), bytes) ==
                    QByteArray::fromStdString(g.at("pixel_values_f32le_sha256").get<std::string>()),
                where.constData());

            if (const abc::TensorInfo* t = pixelValues.find(name)) {
                QCOMPARE(t->shape, (std::vector<std::int64_t>{r.patches.rows, r.patches.patchDim}));
                const auto* golden = reinterpret_cast<const float*>(pixelValues.data(*t));
                double maxAbs = 0;
                for (std::size_t i = 0; i < r.patches.values.size(); ++i) {
                    maxAbs = std::max(maxAbs, std::abs(double{golden[i]} - r.patches.values[i]));
                }
                qInfo("%s pixel_values max|diff| %g", name.c_str(), maxAbs);
                QVERIFY(maxAbs <= 1e-5);
                ++pixelValueImages;
            }
        }
        QCOMPARE(pixelValueImages, 3);
    }

    void smartResizeRoundsHalfToEven() {
        // 350 / 28 = 12.5 -> 12 (Python round), 462 / 28 = 16.5 -> 16.
        const abc::ImageSize s = abc::smartResize({462, 350}, abc::kStage1Limits);
        QCOMPARE(s.width, 448);
        QCOMPARE(s.height, 336);
    }

    void smartResizeLimits() {
        QCOMPARE(abc::smartResize({1, 1}, abc::kStage1Limits), (abc::ImageSize{56, 56}));
        QCOMPARE(abc::smartResize({200, 1}, abc::kStage1Limits).height, 28);
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::smartResize({201, 1}, abc::kStage1Limits));
        const abc::SmartResizeLimits stage2{28, 256 * 28 * 28, 1024 * 28 * 28,
                                            abc::SmartResizeFlavour::Transformers};
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::smartResize({27, 100}, stage2));
        // 30 x 6000 passes stage 1 (ratio 200) but its stage-1 size 28 x 5992 does not pass
        // stage 2 (ratio 214): ABC raises there too.
        const abc::ImageSize s1 = abc::smartResize({30, 6000}, abc::kStage1Limits);
        QCOMPARE(s1, (abc::ImageSize{28, 5992}));
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::smartResize(s1, stage2));
        const abc::ImageSize big = abc::smartResize({4004, 2996}, stage2);
        QCOMPARE(big, (abc::ImageSize{1008, 756}));
    }

    void invalidPixelRangeIsRefused() {
        abc::ImagePreprocessorOptions options;
        options.minPixels = 1000;
        options.maxPixels = 10;
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::ImagePreprocessor{options});
    }
};

QTEST_GUILESS_MAIN(TestImagePreprocess)
#include "test_image_preprocess.moc"
