// The engine against tests/data/engine: random tiny ABC checkpoints of four configurations
// (GQA ratios, list/regex targets, rsLoRA, no instruct adapter, transformers 5.x names) with
// goldens computed by tools/reference on the upstream transformers/peft classes. Also: a
// batch of mixed sizes equals one-by-one, and bad checkpoints fail with a named error.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/io/error.h"
#include "core/io/safetensors.h"
#include "core/model/abc_model.h"
#include "support/golden_compare.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(ABC_TEST_DATA_DIR) / "engine";

QJsonObject readJson(const fs::path& path) {
    QFile file(QString::fromStdString(path.string()));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    return abc::test::compareWithGolden(a, b, 1e-5).maxAbsDiff;
}

// The case whose embedding is furthest from its golden, for the failure message.
struct WorstCase {
    double maxAbsDiff = 0.0;
    QString text;
    void offer(const QString& id, const std::vector<float>& got, const std::vector<float>& want) {
        const auto c = abc::test::compareWithGolden(got, want, 1e-5);
        if (c.maxAbsDiff >= maxAbsDiff) {
            maxAbsDiff = c.maxAbsDiff;
            text = id + ": " + c.describe();
        }
    }
};

std::vector<float> floats(const QJsonArray& array) {
    std::vector<float> out;
    for (const auto& v : array) {
        out.push_back(static_cast<float>(v.toDouble()));
    }
    return out;
}

std::vector<float> tensorFloats(const abc::SafetensorsFile& file, const std::string& name) {
    const abc::TensorInfo& info = file.at(name);
    std::vector<float> out(static_cast<std::size_t>(info.elementCount()));
    if (info.dtype == abc::TensorDType::I64) {
        const auto* p = reinterpret_cast<const std::int64_t*>(file.data(info));
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<float>(p[i]);
        }
    } else {
        std::memcpy(out.data(), file.data(info), out.size() * sizeof(float));
    }
    return out;
}

abc::ModelFolders foldersFor(const fs::path& dir, const QJsonObject& goldens) {
    abc::ModelFolders folders;
    folders.base = dir / goldens.value("base").toString().toStdString();
    folders.pretrainAdapter = dir / goldens.value("pretrain_adapter").toString().toStdString();
    if (goldens.value("instruct_adapter").isString()) {
        folders.instructAdapter = dir / goldens.value("instruct_adapter").toString().toStdString();
    }
    return folders;
}

void copyTree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

}  // namespace

class TestModelFixtures : public QObject {
    Q_OBJECT

    std::map<std::string, abc::ImagePatches> images_;
    QStringList configs_;

    std::vector<abc::ModelInput> inputsFor(const QJsonArray& cases, std::vector<int>* indices) {
        std::vector<abc::ModelInput> inputs;
        for (int i = 0; i < cases.size(); ++i) {
            const QJsonObject c = cases[i].toObject();
            abc::ModelInput input;
            for (const auto& v : c.value("input_ids").toArray()) {
                input.inputIds.push_back(static_cast<std::int64_t>(v.toDouble()));
            }
            if (c.value("image").isString()) {
                input.images.push_back(&images_.at(c.value("image").toString().toStdString()));
            }
            input.instruct = c.value("kind").toString() == "image+instruction";
            inputs.push_back(std::move(input));
            if (indices) {
                indices->push_back(i);
            }
        }
        return inputs;
    }

  private slots:
    void initTestCase() {
        const QJsonObject index = readJson(kFixtures / "index.json");
        QCOMPARE(index.value("format").toString(), QString("abc-engine-fixture/1"));
        const auto pixels = abc::SafetensorsFile::open(
            kFixtures / index.value("pixel_values").toString().toStdString());
        const QJsonObject grids = index.value("images").toObject();
        for (auto it = grids.begin(); it != grids.end(); ++it) {
            const std::string name = it.key().toStdString();
            const QJsonArray grid = it.value().toArray();
            abc::ImagePatches patches;
            patches.grid.t = grid[0].toInt();
            patches.grid.h = grid[1].toInt();
            patches.grid.w = grid[2].toInt();
            const abc::TensorInfo& info = pixels.at(name);
            patches.rows = info.shape[0];
            patches.patchDim = info.shape[1];
            patches.values = tensorFloats(pixels, name);
            images_.emplace(name, std::move(patches));
        }
        for (const auto& v : index.value("configs").toArray()) {
            configs_ << v.toString();
        }
        QCOMPARE(configs_.size(), 4);
    }

    void goldens_data() {
        QTest::addColumn<QString>("config");
        for (const auto& c : configs_) {
            QTest::newRow(qPrintable(c)) << c;
        }
    }

    // Every case in both position modes, the intermediates, and batch == one-by-one.
    void goldens() {
        QFETCH(QString, config);
        const fs::path dir = kFixtures / config.toStdString();
        const QJsonObject goldens = readJson(dir / "goldens.json");
        const QJsonArray cases = goldens.value("cases").toArray();
        QVERIFY(!cases.isEmpty());
        auto model = abc::AbcModel::load(foldersFor(dir, goldens), {});
        QCOMPARE(model->hasInstructAdapter(), goldens.value("instruct_adapter").isString());

        double worst = 0.0;
        double worstMrope = 0.0;
        WorstCase worstCase;
        WorstCase worstMropeCase;
        std::vector<std::vector<float>> oneByOne;
        for (const auto& value : cases) {
            const QJsonObject c = value.toObject();
            std::vector<int> unused;
            const auto input = inputsFor(QJsonArray{c}, &unused).front();
            model->setPositions(abc::PositionMode::Sequential);
            const auto got = model->embed(input.inputIds, input.images, input.instruct);
            const auto want = floats(c.value("embedding").toArray());
            const double d = maxAbsDiff(got, want);
            qInfo("  %s %.3g", qPrintable(c.value("id").toString()), d);
            worst = std::max(worst, d);
            worstCase.offer(c.value("id").toString(), got, want);
            oneByOne.push_back(got);
            if (c.contains("embedding_mrope")) {
                model->setPositions(abc::PositionMode::MRope);
                const auto mrope = model->embed(input.inputIds, input.images, input.instruct);
                const auto wantMrope = floats(c.value("embedding_mrope").toArray());
                const double dm = maxAbsDiff(mrope, wantMrope);
                qInfo("  %s mrope %.3g", qPrintable(c.value("id").toString()), dm);
                worstMrope = std::max(worstMrope, dm);
                worstMropeCase.offer(c.value("id").toString(), mrope, wantMrope);
            }
        }
        qInfo("%s: %lld cases, max|diff| %.3g (sequential), %.3g (mrope)", qPrintable(config),
              static_cast<long long>(cases.size()), worst, worstMrope);
        // The goldens are the reference computed in float64, so this bounds the engine's own
        // float32 error (docs/engine.md: gqa2_regex_rslora amplifies float32 rounding most).
        const double tolerance =
            goldens.value("tolerance").toObject().value("embedding_max_abs_diff").toDouble();
        QCOMPARE(tolerance, 1e-5);
        QCOMPARE(goldens.value("dtype").toString(), QString("float64"));
        QVERIFY2(worst <= tolerance, qPrintable(worstCase.text));
        QVERIFY2(worstMrope <= tolerance, qPrintable(worstMropeCase.text));

        // Mixed kinds, image sizes and lengths in one batch, in reverse order.
        model->setPositions(abc::PositionMode::Sequential);
        std::vector<int> order;
        auto inputs = inputsFor(cases, &order);
        std::reverse(inputs.begin(), inputs.end());
        std::reverse(order.begin(), order.end());
        std::size_t progressCalls = 0;
        abc::EmbedHooks hooks;
        hooks.progress = [&](std::size_t done, std::size_t total) {
            QCOMPARE(total, inputs.size());
            progressCalls = done;
        };
        const auto batch = model->embedBatch(inputs, hooks);
        QCOMPARE(progressCalls, inputs.size());
        double batchDiff = 0.0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batchDiff = std::max(batchDiff, maxAbsDiff(batch[i], oneByOne[order[i]]));
        }
        qInfo("%s: batch vs one-by-one max|diff| %.3g", qPrintable(config), batchDiff);
        QVERIFY(batchDiff <= 1e-5);

        // Per-stage intermediates of one case (relative max|diff|). Each stage may be as far
        // from the float64 goldens as twice the upstream float32 run of the reference is (the
        // float32 noise of an independent implementation, stored with the goldens), and never
        // needs to be closer than 1e-5.
        const QJsonObject inter = goldens.value("intermediates").toObject();
        const QJsonObject float32Noise = goldens.value("float32_reference")
                                             .toObject()
                                             .value("intermediates_relative_max_abs_diff")
                                             .toObject();
        const auto file =
            abc::SafetensorsFile::open(dir / inter.value("file").toString().toStdString());
        const QString caseId = inter.value("case").toString();
        int traced = 0;
        for (int i = 0; i < cases.size(); ++i) {
            if (cases[i].toObject().value("id").toString() != caseId) {
                continue;
            }
            const auto input = inputsFor(QJsonArray{cases[i]}, nullptr).front();
            abc::ForwardTrace trace;
            model->setPositions(abc::PositionMode::Sequential);
            model->embed(input.inputIds, input.images, input.instruct, &trace);
            QCOMPARE(trace.tensors.size(), std::size_t(7));
            for (const auto& [stage, tensor] : trace.tensors) {
                const QString name = QString::fromStdString(stage);
                QVERIFY2(file.find(stage), qPrintable(name + " missing from the intermediates"));
                const auto want = tensorFloats(file, stage);
                QCOMPARE(tensor.values.size(), want.size());
                double scale = 1e-30;
                for (const float w : want) {
                    scale = std::max(scale, double(std::abs(w)));
                }
                const double relative = maxAbsDiff(tensor.values, want) / scale;
                const double allowed = std::max(1e-5, 2.0 * float32Noise.value(name).toDouble());
                qInfo("  %s %s relative %.3g (allowed %.3g)", qPrintable(caseId), qPrintable(name),
                      relative, allowed);
                QVERIFY2(relative <= allowed,
                         qPrintable(caseId + "/" + name + " " + QString::number(relative)));
                ++traced;
            }
        }
        QCOMPARE(traced, 7);
    }

    void instructionWithoutInstructAdapterIsRefused() {
        const fs::path dir = kFixtures / "gqa4_no_instruct";
        const QJsonObject goldens = readJson(dir / "goldens.json");
        auto model = abc::AbcModel::load(foldersFor(dir, goldens), {});
        QVERIFY(!model->hasInstructAdapter());
        const auto input = inputsFor(QJsonArray{goldens.value("cases").toArray()[3]}, nullptr);
        QVERIFY_THROWS_EXCEPTION(abc::Error,
                                 model->embed(input[0].inputIds, input[0].images, true));
    }

    void cancelStopsBetweenItems() {
        const fs::path dir = kFixtures / "gqa1_list_targets";
        const QJsonObject goldens = readJson(dir / "goldens.json");
        auto model = abc::AbcModel::load(foldersFor(dir, goldens), {});
        auto inputs = inputsFor(goldens.value("cases").toArray(), nullptr);
        std::size_t done = 0;
        abc::EmbedHooks hooks;
        std::stop_source stop;
        hooks.progress = [&](std::size_t d, std::size_t) {
            done = d;
            if (done >= 2) {
                stop.request_stop();
            }
        };
        hooks.stop = stop.get_token();
        QVERIFY_THROWS_EXCEPTION(abc::Cancelled, model->embedBatch(inputs, hooks));
        QCOMPARE(done, std::size_t(2));
    }

    // Broken copies of a fixture: each must fail with abc::Error naming file and tensor.
    void badInputIsANamedError_data() {
        QTest::addColumn<QString>("breakage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing shard") << "missing_shard"
                                       << "model-00002-of-00002.safetensors";
        QTest::newRow("truncated shard") << "truncated_shard"
                                         << "model-00001-of-00002.safetensors";
        QTest::newRow("bad config value") << "bad_config"
                                          << "num_key_value_heads";
        QTest::newRow("config shape mismatch") << "shape_mismatch"
                                               << "intermediate_size";
        QTest::newRow("adapter for another base") << "other_base_adapter"
                                                  << "lora_A.weight";
        QTest::newRow("unsupported adapter setting") << "dora"
                                                     << "use_dora";
        QTest::newRow("unknown adapted module") << "unknown_module"
                                                << "adapts a module";
    }

    void badInputIsANamedError() {
        QFETCH(QString, breakage);
        QFETCH(QString, expected);
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const fs::path source = kFixtures / "gqa1_list_targets";
        const fs::path dir = fs::path(temp.path().toStdString()) / "m";
        copyTree(source, dir);
        const QJsonObject goldens = readJson(dir / "goldens.json");
        const abc::ModelFolders folders = foldersFor(dir, goldens);
        const auto editJson = [](const fs::path& path, const auto& edit) {
            QJsonObject object = readJson(path);
            edit(object);
            QFile out(QString::fromStdString(path.string()));
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(QJsonDocument(object).toJson());
        };
        fs::path shard2;
        fs::path shard1;
        for (const auto& entry : fs::directory_iterator(folders.base)) {
            const auto name = entry.path().filename().string();
            if (name.starts_with("model-00002")) {
                shard2 = entry.path();
            } else if (name.starts_with("model-00001")) {
                shard1 = entry.path();
            }
        }
        if (breakage == "missing_shard") {
            fs::remove(shard2);
        } else if (breakage == "truncated_shard") {
            fs::resize_file(shard1, fs::file_size(shard1) / 2);
        } else if (breakage == "bad_config") {
            editJson(folders.base / "config.json",
                     [](QJsonObject& o) { o["num_key_value_heads"] = 3; });
        } else if (breakage == "shape_mismatch") {
            editJson(folders.base / "config.json", [](QJsonObject& o) {
                o["intermediate_size"] = o["intermediate_size"].toInt() + 8;
            });
            expected = "mlp.";  // the first MLP tensor whose shape no longer fits
        } else if (breakage == "other_base_adapter") {
            // The pretrain adapter of another configuration (other hidden size).
            copyTree(kFixtures / "gqa2_regex_rslora" / "ABC-Pretrain", folders.pretrainAdapter);
        } else if (breakage == "dora") {
            editJson(folders.pretrainAdapter / "adapter_config.json",
                     [](QJsonObject& o) { o["use_dora"] = true; });
        } else if (breakage == "unknown_module") {
            // Narrow the targets: tensors for vision modules remain but nothing claims them.
            editJson(folders.pretrainAdapter / "adapter_config.json", [](QJsonObject& o) {
                o["target_modules"] = QJsonArray{"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                 "gate_proj", "up_proj", "down_proj"};
            });
            expected = "target_modules";
        }
        try {
            abc::AbcModel::load(folders, {});
            QFAIL("loading a broken checkpoint succeeded");
        } catch (const abc::Error& e) {
            qInfo("%s: %s", qPrintable(breakage), e.what());
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestModelFixtures)
#include "test_model_fixtures.moc"
