// The public Embedder end to end on the shared tiny checkpoint: image files decoded and
// preprocessed by core/image, prompts and ids from core/text, every case of the shared
// goldens in both position modes; batches equal one-by-one; an Embedder without the instruct
// adapter refuses instructions; bfloat16 on CPU stays close to float32.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "core/image/image_preprocessor.h"
#include "core/io/error.h"
#include "core/model/embedder.h"
#include "support/golden_compare.h"

namespace {

const std::string kReference = ABC_REFERENCE_DIR;

using Agreement = abc::test::GoldenComparison;

// Against a golden at the float32 tolerance of 1e-5.
Agreement compare(const std::vector<float>& got, const std::vector<float>& want) {
    return abc::test::compareWithGolden(got, want, 1e-5);
}

std::vector<float> floats(const QJsonValue& value) {
    std::vector<float> out;
    for (const auto& v : value.toArray()) {
        out.push_back(static_cast<float>(v.toDouble()));
    }
    return out;
}

abc::EmbedderOptions tinyAbc(abc::PositionMode positions, bool instruct = true,
                             abc::Precision precision = abc::Precision::Float32) {
    abc::EmbedderOptions options;
    options.model.base = kReference + "/tiny-abc/Qwen2-VL";
    options.model.pretrainAdapter = kReference + "/tiny-abc/ABC-Pretrain";
    options.model.instructAdapter = instruct ? kReference + "/tiny-abc/ABC-Instruct" : "";
    options.device = "cpu";
    options.precision = precision;
    options.positions = positions;
    return options;
}

}  // namespace

class TestEmbedderGoldens : public QObject {
    Q_OBJECT

    QJsonArray cases_;
    std::map<QString, std::shared_ptr<const abc::ImagePatches>> images_;
    std::unique_ptr<abc::Embedder> sequential_;
    std::unique_ptr<abc::Embedder> mrope_;

    abc::EmbedRequest requestFor(const QJsonObject& c) const {
        const QString kind = c.value("kind").toString();
        if (kind == "text") {
            return abc::EmbedRequest::forText(c.value("text").toString().toStdString());
        }
        const auto image = images_.at(c.value("image").toString());
        if (kind == "image") {
            return abc::EmbedRequest::forImage(image);
        }
        return abc::EmbedRequest::forImageWithInstruction(image,
                                                          c.value("text").toString().toStdString());
    }

    QJsonObject caseById(const QString& id) const {
        for (const auto& v : cases_) {
            if (v.toObject().value("id").toString() == id) {
                return v.toObject();
            }
        }
        return {};
    }

  private slots:
    void initTestCase() {
        QFile file(QString::fromStdString(kReference + "/goldens/embeddings.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        cases_ = QJsonDocument::fromJson(file.readAll()).object().value("cases").toArray();
        QCOMPARE(cases_.size(), 19);

        // No reference image carries an orientation tag; off states the Python behaviour.
        abc::ImagePreprocessorOptions options;
        options.decode.applyExifOrientation = false;
        const abc::ImagePreprocessor preprocessor(options);
        for (const auto& v : cases_) {
            const QString name = v.toObject().value("image").toString();
            if (name.isEmpty() || images_.count(name)) {
                continue;
            }
            images_[name] = std::make_shared<const abc::ImagePatches>(
                preprocessor.preprocessFile(kReference + "/images/" + name.toStdString()).patches);
        }
        QCOMPARE(images_.size(), std::size_t(8));

        sequential_ = abc::Embedder::load(tinyAbc(abc::PositionMode::Sequential));
        mrope_ = abc::Embedder::load(tinyAbc(abc::PositionMode::MRope));
        QVERIFY(sequential_->hasInstructAdapter());
        QCOMPARE(sequential_->dimension(), 64);
        QVERIFY(sequential_->fingerprint() != mrope_->fingerprint());
    }

    void goldens_data() {
        QTest::addColumn<QString>("id");
        for (const auto& v : cases_) {
            const QString id = v.toObject().value("id").toString();
            QTest::newRow(qPrintable(id)) << id;
        }
    }

    // Ids exact; `embedding` (sequential) and, for images, `embedding_mrope` within 1e-5
    // and cosine >= 0.99999 (shared README section 6).
    void goldens() {
        QFETCH(QString, id);
        const QJsonObject c = caseById(id);
        const abc::EmbedRequest request = requestFor(c);

        std::vector<std::int64_t> wantIds;
        for (const auto& v : c.value("input_ids").toArray()) {
            wantIds.push_back(static_cast<std::int64_t>(v.toDouble()));
        }
        QCOMPARE(sequential_->inputIds(request), wantIds);
        if (request.image) {
            const QJsonArray grid = c.value("grid_thw").toArray();
            QCOMPARE(request.image->grid.t, grid[0].toInteger());
            QCOMPARE(request.image->grid.h, grid[1].toInteger());
            QCOMPARE(request.image->grid.w, grid[2].toInteger());
        }

        const Agreement seq = compare(sequential_->embed({request}).at(0), floats(c["embedding"]));
        qInfo("%s sequential max|diff| %.3g cosine %.12f", qPrintable(id), seq.maxAbsDiff,
              seq.cosine);
        QVERIFY2(seq.maxAbsDiff <= 1e-5, qPrintable(seq.describe()));
        QVERIFY2(seq.cosine >= 0.99999, qPrintable(seq.describe()));

        if (c.contains("embedding_mrope")) {
            const Agreement m =
                compare(mrope_->embed({request}).at(0), floats(c["embedding_mrope"]));
            qInfo("%s mrope max|diff| %.3g cosine %.12f", qPrintable(id), m.maxAbsDiff, m.cosine);
            QVERIFY2(m.maxAbsDiff <= 1e-5, qPrintable(m.describe()));
            QVERIFY2(m.cosine >= 0.99999, qPrintable(m.describe()));
        } else {
            QVERIFY(!request.image);
        }
    }

    // Texts, images of different sizes and image+instruction in one call, in an order that
    // mixes lengths: each vector equals its one-by-one call.
    void batchEqualsOneByOne() {
        const QStringList ids = {"image_noise_4000x3000",
                                 "text_00",
                                 "inst_dog_and_cat_01",
                                 "image_tiny_40x30",
                                 "text_04",
                                 "inst_gradient_640x480_00",
                                 "text_03",
                                 "image_panorama_2000x300"};
        std::vector<abc::EmbedRequest> requests;
        for (const auto& id : ids) {
            requests.push_back(requestFor(caseById(id)));
        }
        std::size_t progress = 0;
        abc::EmbedHooks hooks;
        hooks.progress = [&](std::size_t done, std::size_t total) {
            QCOMPARE(total, requests.size());
            progress = done;
        };
        const auto batch = sequential_->embed(requests, hooks);
        QCOMPARE(batch.size(), requests.size());
        QCOMPARE(progress, requests.size());
        double worst = 0.0;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const auto single = sequential_->embed({requests[i]}).at(0);
            worst = std::max(worst, compare(batch[i], single).maxAbsDiff);
            // And each stays on its golden, so the batch did not merely repeat one vector.
            const Agreement golden = compare(batch[i], floats(caseById(ids[int(i)])["embedding"]));
            QVERIFY2(golden.maxAbsDiff <= 1e-5, qPrintable(golden.describe()));
        }
        qInfo("batch of %zu vs one-by-one: max|diff| %.3g", requests.size(), worst);
        QVERIFY(worst <= 1e-5);
    }

    // ABC-Qwen2VL-Pretrain alone: image and text requests run (the instruct adapter is off
    // for them anyway, so the goldens hold), image+instruction is refused.
    void withoutInstructAdapterInstructionIsRefused() {
        const auto embedder = abc::Embedder::load(tinyAbc(abc::PositionMode::Sequential, false));
        QVERIFY(!embedder->hasInstructAdapter());
        // Text and image vectors do not depend on the instruct adapter, nor does their key.
        QCOMPARE(embedder->fingerprint(), sequential_->fingerprint());
        QVERIFY(embedder->instructFingerprint().empty());
        QVERIFY(!sequential_->instructFingerprint().empty());
        const QJsonObject image = caseById("image_rgba_300x200");
        QVERIFY(compare(embedder->embed({requestFor(image)}).at(0), floats(image["embedding"]))
                    .maxAbsDiff <= 1e-5);
        const QJsonObject inst = caseById("inst_dog_and_cat_00");
        QVERIFY_THROWS_EXCEPTION(abc::Error, embedder->embed({requestFor(inst)}));
        // Also when the instruction hides inside a batch of valid requests.
        QVERIFY_THROWS_EXCEPTION(
            abc::Error, embedder->embed({requestFor(caseById("text_00")), requestFor(inst)}));
    }

    // bfloat16 on CPU (weights and activations) cannot meet 1e-5 (README section 6); it must
    // stay close to float32. Measured on this checkpoint: these 9 cases max|diff| 5.6e-3, min
    // cosine 0.99989 (all 19: 5.8e-3, 0.99988); the bounds leave about 3x (README: full bf16
    // pipelines land at 1e-3 to 1e-2).
    void bfloat16StaysCloseToFloat32() {
        const auto embedder = abc::Embedder::load(
            tinyAbc(abc::PositionMode::Sequential, true, abc::Precision::BFloat16));
        // bf16 matmuls are slow on CPUs without native bf16 (about 1 s per image case
        // here): every text, and one image and one image+instruction case.
        std::vector<abc::EmbedRequest> requests;
        QJsonArray used;
        for (const auto& v : cases_) {
            const QString id = v.toObject().value("id").toString();
            if (id.startsWith("text_") || id == "image_rgba_300x200" ||
                id == "inst_dog_and_cat_00") {
                requests.push_back(requestFor(v.toObject()));
                used.append(v);
            }
        }
        QCOMPARE(requests.size(), std::size_t(9));
        const auto vectors = embedder->embed(requests);
        QCOMPARE(vectors.size(), requests.size());
        double worstDiff = 0.0;
        double worstCosine = 1.0;
        for (std::size_t i = 0; i < vectors.size(); ++i) {
            const Agreement a = compare(vectors[i], floats(used[int(i)].toObject()["embedding"]));
            worstDiff = std::max(worstDiff, a.maxAbsDiff);
            worstCosine = std::min(worstCosine, a.cosine);
        }
        qInfo("bfloat16 vs float32 goldens, %zu cases: max|diff| %.3g, min cosine %.6f",
              vectors.size(), worstDiff, worstCosine);
        QVERIFY(worstDiff > 1e-5);  // it really ran in bfloat16
        QVERIFY(worstCosine >= 0.9995);
        QVERIFY(worstDiff <= 0.02);
    }
};

QTEST_GUILESS_MAIN(TestEmbedderGoldens)
#include "test_embedder_goldens.moc"
