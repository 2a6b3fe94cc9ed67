// The engine against the shared reference: tiny-abc + goldens/embeddings.json (float32,
// max|diff| <= 1e-5 and cosine >= 0.99999 per case) and the per-stage intermediates, fed with
// the reference's own input_ids and pixel_values so any mismatch is the model's.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "core/io/safetensors.h"
#include "core/model/abc_model.h"
#include "support/golden_compare.h"

namespace {

const std::filesystem::path kReference = ABC_REFERENCE_DIR;

std::vector<float> floats(const QJsonArray& array) {
    std::vector<float> out;
    for (const auto& v : array) {
        out.push_back(static_cast<float>(v.toDouble()));
    }
    return out;
}

std::vector<std::int64_t> ids(const QJsonArray& array) {
    std::vector<std::int64_t> out;
    for (const auto& v : array) {
        out.push_back(static_cast<std::int64_t>(v.toDouble()));
    }
    return out;
}

std::vector<float> tensorValues(const abc::SafetensorsFile& file, const std::string& name) {
    const abc::TensorInfo& info = file.at(name);
    std::vector<float> out(static_cast<std::size_t>(info.elementCount()));
    if (info.dtype == abc::TensorDType::F32) {
        std::memcpy(out.data(), file.data(info), out.size() * sizeof(float));
    } else if (info.dtype == abc::TensorDType::I64) {
        const auto* p = reinterpret_cast<const std::int64_t*>(file.data(info));
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<float>(p[i]);
        }
    }
    return out;
}

}  // namespace

class TestModelParity : public QObject {
    Q_OBJECT

    std::unique_ptr<abc::AbcModel> model_;
    QJsonArray cases_;
    std::unique_ptr<abc::SafetensorsFile> pixels_;
    std::map<std::string, abc::ImagePatches> images_;

    const abc::ImagePatches* patchesFor(const QJsonObject& c) {
        const std::string name = c.value("image").toString().toStdString();
        const auto it = images_.find(name);
        if (it != images_.end()) {
            return &it->second;
        }
        const abc::TensorInfo* info = pixels_->find(name);
        if (!info) {
            return nullptr;
        }
        abc::ImagePatches patches;
        patches.rows = info->shape[0];
        patches.patchDim = info->shape[1];
        const QJsonArray grid = c.value("grid_thw").toArray();
        patches.grid.t = grid[0].toInt();
        patches.grid.h = grid[1].toInt();
        patches.grid.w = grid[2].toInt();
        patches.values = tensorValues(*pixels_, name);
        return &images_.emplace(name, std::move(patches)).first->second;
    }

  private slots:
    void initTestCase() {
        abc::ModelFolders folders;
        folders.base = kReference / "tiny-abc/Qwen2-VL";
        folders.pretrainAdapter = kReference / "tiny-abc/ABC-Pretrain";
        folders.instructAdapter = kReference / "tiny-abc/ABC-Instruct";
        model_ = abc::AbcModel::load(folders, {});
        QFile file(QString::fromStdString((kReference / "goldens/embeddings.json").string()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        cases_ = QJsonDocument::fromJson(file.readAll()).object().value("cases").toArray();
        QCOMPARE(cases_.size(), 19);
        pixels_ = std::make_unique<abc::SafetensorsFile>(
            abc::SafetensorsFile::open(kReference / "goldens/pixel_values.safetensors"));
    }

    void embeddingsMatchGoldens_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<bool>("mrope");
        for (int i = 0; i < cases_.size(); ++i) {
            const QJsonObject c = cases_[i].toObject();
            const QByteArray id = c.value("id").toString().toUtf8();
            if (!c.value("image").isNull() &&
                !pixels_->find(c.value("image").toString().toStdString())) {
                // goldens/pixel_values.safetensors holds 3 of the 8 images; the others are
                // covered end to end from the image files in test_embedder_parity.
                continue;
            }
            QTest::newRow(id.constData()) << i << false;
            if (c.contains("embedding_mrope")) {
                QTest::newRow((id + "/mrope").constData()) << i << true;
            }
        }
    }

    void embeddingsMatchGoldens() {
        QFETCH(int, index);
        QFETCH(bool, mrope);
        const QJsonObject c = cases_[index].toObject();
        std::vector<const abc::ImagePatches*> images;
        if (!c.value("image").isNull()) {
            images.push_back(patchesFor(c));
            QVERIFY(images.back());
        }
        model_->setPositions(mrope ? abc::PositionMode::MRope : abc::PositionMode::Sequential);
        const auto got = model_->embed(ids(c.value("input_ids").toArray()), images,
                                       c.value("instruct_adapter").toBool());
        const auto want = floats(c.value(mrope ? "embedding_mrope" : "embedding").toArray());
        QCOMPARE(got.size(), want.size());
        const auto d = abc::test::compareWithGolden(got, want, 1e-5);
        qInfo("%s%s max|diff| %.3g cosine %.9f", qPrintable(c.value("id").toString()),
              mrope ? " (mrope)" : "", d.maxAbsDiff, d.cosine);
        QVERIFY2(d.maxAbsDiff <= 1e-5, qPrintable(d.describe()));
        QVERIFY2(d.cosine >= 0.99999, qPrintable(d.describe()));
    }

    void intermediatesMatch_data() {
        QTest::addColumn<QString>("caseId");
        QTest::newRow("text_00") << "text_00";
        QTest::newRow("image_rgba_300x200") << "image_rgba_300x200";
    }

    void intermediatesMatch() {
        QFETCH(QString, caseId);
        const auto golden =
            abc::SafetensorsFile::open(kReference / "goldens/intermediates.safetensors");
        const std::string prefix = caseId.toStdString() + "/";
        QJsonObject c;
        for (const auto& v : cases_) {
            if (v.toObject().value("id").toString() == caseId) {
                c = v.toObject();
            }
        }
        std::vector<const abc::ImagePatches*> images;
        if (!c.value("image").isNull()) {
            images.push_back(patchesFor(c));
            QVERIFY(images.back());
        }
        std::vector<std::int64_t> inputIds;
        for (const float v : tensorValues(golden, prefix + "input_ids")) {
            inputIds.push_back(static_cast<std::int64_t>(v));
        }
        model_->setPositions(abc::PositionMode::Sequential);
        abc::ForwardTrace trace;
        model_->embed(inputIds, images, false, &trace);
        for (const char* stage : {"vision_patch_embed", "vision_out", "inputs_embeds",
                                  "last_hidden_state", "pooled", "embedding", "position_ids"}) {
            const std::string key = prefix + stage;
            if (!golden.find(key)) {
                continue;
            }
            QVERIFY2(trace.tensors.count(stage), stage);
            const auto& got = trace.tensors.at(stage);
            const auto want = tensorValues(golden, key);
            QCOMPARE(got.values.size(), want.size());
            double scale = 0.0;
            for (const float w : want) {
                scale = std::max(scale, double(std::abs(w)));
            }
            const auto d = abc::test::compareWithGolden(got.values, want, 1e-5 * scale);
            const double relative = d.maxAbsDiff / std::max(scale, 1e-30);
            qInfo("%s %s max|diff| %.3g relative %.3g", qPrintable(caseId), stage, d.maxAbsDiff,
                  relative);
            QVERIFY2(relative <= 1e-5,
                     qPrintable(QString::fromLatin1(stage) + ": " + d.describe()));
        }
    }

    void cleanupTestCase() { model_.reset(); }
};

QTEST_GUILESS_MAIN(TestModelParity)
#include "test_model_parity.moc"
