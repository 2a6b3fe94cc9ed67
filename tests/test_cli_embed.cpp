// The model commands of abc-photos-cli as a user runs them: `verify` against the engine
// fixtures (figures printed, exit code tied to the goldens' tolerance) and `embed` on the
// shared tiny checkpoint (output format, vectors vs the goldens, named errors).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "support/cli_process.h"

#include <algorithm>
#include <cmath>

namespace {

const QString kEngineFixtures = QStringLiteral(ABC_TEST_DATA_DIR "/engine");
const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);

QStringList tinyAbcArgs() {
    return {"--base",
            kReference + "/tiny-abc/Qwen2-VL",
            "--pretrain-adapter",
            kReference + "/tiny-abc/ABC-Pretrain",
            "--instruct-adapter",
            kReference + "/tiny-abc/ABC-Instruct"};
}

double maxAbsDiff(const QJsonArray& got, const QJsonArray& want) {
    if (got.size() != want.size() || got.isEmpty()) {
        return 1e30;
    }
    double d = 0.0;
    for (qsizetype i = 0; i < got.size(); ++i) {
        d = std::max(d, std::abs(got[i].toDouble() - want[i].toDouble()));
    }
    return d;
}

using abc::test::runCli;
using Result = abc::test::CliResult;

QJsonObject readJsonObject(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool writeJson(const QString& path, const QJsonDocument& document) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(document.toJson()) > 0;
}

// Plain recursive copy (std::filesystem in tests resolves into libtorch's copy).
bool copyTree(const QString& from, const QString& to) {
    QDir source(from);
    if (!QDir().mkpath(to)) {
        return false;
    }
    for (const QFileInfo& entry :
         source.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString target = to + "/" + entry.fileName();
        if (entry.isDir() ? !copyTree(entry.filePath(), target)
                          : !QFile::copy(entry.filePath(), target)) {
            return false;
        }
    }
    return true;
}

}  // namespace

class TestCliEmbed : public QObject {
    Q_OBJECT

  private slots:
    // Every configuration and case of tests/data/engine, both position modes, as JSON.
    void verifyReportsEveryConfiguration() {
        const QJsonObject index = readJsonObject(kEngineFixtures + "/index.json");
        const QJsonArray configs = index.value("configs").toArray();
        QVERIFY(configs.size() >= 4);

        const Result r = runCli({"verify", "--fixtures", kEngineFixtures, "--json"});
        QJsonParseError error{};
        const QJsonObject report = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, r.out.constData());
        QCOMPARE(report.value("dtype").toString(), QString("float32"));
        QCOMPARE(report.value("device").toString(), QString("cpu"));
        const QJsonArray results = report.value("configs").toArray();
        QCOMPARE(results.size(), configs.size());

        bool allWithin = true;
        for (int i = 0; i < results.size(); ++i) {
            const QJsonObject c = results[i].toObject();
            const QString name = configs[i].toString();
            QCOMPARE(c.value("config").toString(), name);
            QVERIFY2(!c.contains("error"), qPrintable(c.value("error").toString()));
            const QJsonObject goldens =
                readJsonObject(kEngineFixtures + "/" + name + "/goldens.json");
            int cases = 0;
            int mropeCases = 0;
            for (const auto& v : goldens.value("cases").toArray()) {
                ++cases;
                mropeCases += v.toObject().contains("embedding_mrope") ? 1 : 0;
            }
            const double tolerance =
                goldens.value("tolerance").toObject().value("embedding_max_abs_diff").toDouble();
            QCOMPARE(c.value("tolerance").toDouble(), tolerance);
            const QJsonObject seq = c.value("sequential").toObject();
            const QJsonObject mrope = c.value("mrope").toObject();
            QCOMPARE(seq.value("cases").toInt(), cases);
            QCOMPARE(mrope.value("cases").toInt(), mropeCases);
            QVERIFY(mropeCases > 0);
            qInfo(
                "%s: %d cases, max|diff| %.3g cos %.9f; mrope %d, %.3g cos %.9f; load %.2f s, "
                "embed %.2f s",
                qPrintable(name), cases, seq.value("max_abs_diff").toDouble(),
                seq.value("min_cosine").toDouble(), mropeCases,
                mrope.value("max_abs_diff").toDouble(), mrope.value("min_cosine").toDouble(),
                c.value("load_seconds").toDouble(), c.value("embed_seconds").toDouble());
            const bool within = seq.value("max_abs_diff").toDouble() <= tolerance &&
                                mrope.value("max_abs_diff").toDouble() <= tolerance;
            QCOMPARE(c.value("within_tolerance").toBool(), within);
            allWithin = allWithin && within;
            // float32 on CPU meets every configuration's tolerance (docs/engine.md).
            QVERIFY2(within, qPrintable(name));
            QVERIFY(seq.value("min_cosine").toDouble() >= 0.99999);
            QVERIFY(mrope.value("min_cosine").toDouble() >= 0.99999);
            QVERIFY(c.value("load_seconds").toDouble() > 0.0);
            QVERIFY(c.value("embed_seconds").toDouble() > 0.0);
        }
        QVERIFY(allWithin);
        QVERIFY(report.value("within_tolerance").toBool());
        QVERIFY(report.value("passed").toBool());
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // The human-readable table of one configuration within tolerance, exit 0.
    void verifyPrintsATable() {
        const Result r =
            runCli({"verify", "--fixtures", kEngineFixtures, "--config", "gqa1_list_targets"});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QString text = QString::fromUtf8(r.out);
        QVERIFY2(text.contains("max|diff|") && text.contains("min cosine"), r.out.constData());
        const auto lines = text.split('\n');
        const auto row = std::find_if(lines.begin(), lines.end(), [](const QString& line) {
            return line.startsWith("gqa1_list_targets");
        });
        QVERIFY2(row != lines.end(), r.out.constData());
        const QStringList fields = row->split(' ', Qt::SkipEmptyParts);
        // config, cases, max|diff|, min cosine, mrope cases, max|diff|, min cosine, ...
        QVERIFY(fields.size() >= 9);
        QCOMPARE(fields[1].toInt(), 10);
        QVERIFY(fields[2].toDouble() <= 1e-5);
        QVERIFY(fields[3].toDouble() >= 0.99999);
        QCOMPARE(fields[4].toInt(), 7);
        QVERIFY(fields[5].toDouble() <= 1e-5);
        QVERIFY(text.contains("within 1.00e-05"));
    }

    // A golden moved by 1e-3 must fail float32 (exit 1, named case) but not bfloat16.
    void verifyFailsOverTolerance() {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString dir = temp.path() + "/engine";
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::copy(kEngineFixtures + "/index.json", dir + "/index.json"));
        QVERIFY(QFile::copy(kEngineFixtures + "/pixel_values.safetensors",
                            dir + "/pixel_values.safetensors"));
        QVERIFY(copyTree(kEngineFixtures + "/gqa4_no_instruct", dir + "/gqa4_no_instruct"));
        QJsonObject goldens = readJsonObject(dir + "/gqa4_no_instruct/goldens.json");
        QJsonArray cases = goldens.value("cases").toArray();
        QJsonObject moved = cases[1].toObject();
        QJsonArray embedding = moved.value("embedding").toArray();
        embedding[0] = embedding[0].toDouble() + 1e-3;
        moved["embedding"] = embedding;
        cases[1] = moved;
        goldens["cases"] = cases;
        QVERIFY(writeJson(dir + "/gqa4_no_instruct/goldens.json", QJsonDocument(goldens)));

        const Result f32 = runCli({"verify", "--fixtures", dir, "--config", "gqa4_no_instruct"});
        QCOMPARE(f32.exitCode, 1);
        QVERIFY2(
            f32.out.contains("OVER 1.00e-05 (worst " + moved.value("id").toString().toUtf8() + ")"),
            f32.out.constData());
        const Result bf16 = runCli({"verify", "--fixtures", dir, "--config", "gqa4_no_instruct",
                                    "--dtype", "bfloat16", "--json"});
        QVERIFY2(bf16.exitCode == 0, (bf16.out + bf16.err).constData());
        const QJsonObject report = QJsonDocument::fromJson(bf16.out).object();
        const QJsonObject seq =
            report.value("configs").toArray()[0].toObject().value("sequential").toObject();
        qInfo("gqa4_no_instruct bfloat16: max|diff| %.3g, min cosine %.6f",
              seq.value("max_abs_diff").toDouble(), seq.value("min_cosine").toDouble());
        QVERIFY(seq.value("max_abs_diff").toDouble() > 1e-5);
        QVERIFY(seq.value("min_cosine").toDouble() > 0.9);
    }

    // `embed --cases`: text, image and image+instruction, images relative to the cases file;
    // the output is exactly [{"id", "input_ids", "embedding"}] with the golden ids and vectors.
    void embedCasesMatchTheGoldens() {
        QFile goldensFile(kReference + "/goldens/embeddings.json");
        QVERIFY(goldensFile.open(QIODevice::ReadOnly));
        QMap<QString, QJsonObject> goldens;
        for (const auto& v :
             QJsonDocument::fromJson(goldensFile.readAll()).object().value("cases").toArray()) {
            goldens[v.toObject().value("id").toString()] = v.toObject();
        }
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        QVERIFY(QDir().mkpath(temp.path() + "/cases/photos"));
        const QStringList ids = {"text_00", "text_06", "image_tiny_40x30", "image_rgba_300x200",
                                 "inst_dog_and_cat_00"};
        QJsonArray cases;
        for (const auto& id : ids) {
            const QJsonObject g = goldens.value(id);
            QVERIFY2(!g.isEmpty(), qPrintable(id));
            QJsonObject c{{"id", id}, {"kind", g.value("kind")}};
            if (g.value("text").isString()) {
                c["text"] = g.value("text");
            }
            if (g.value("image").isString()) {
                const QString name = g.value("image").toString();
                const QString copy = temp.path() + "/cases/photos/" + name;
                QVERIFY(QFile::exists(copy) || QFile::copy(kReference + "/images/" + name, copy));
                c["image"] = "photos/" + name;
            }
            cases.append(c);
        }
        const QString casesFile = temp.path() + "/cases/cases.json";
        const QString outFile = temp.path() + "/out.json";
        QVERIFY(writeJson(casesFile, QJsonDocument(cases)));
        const Result r =
            runCli(QStringList{"embed"} + tinyAbcArgs() +
                   QStringList{"--cases", casesFile, "--out", outFile, "--batch", "2"});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        QFile out(outFile);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QJsonArray results = QJsonDocument::fromJson(out.readAll()).array();
        QCOMPARE(results.size(), ids.size());
        for (qsizetype i = 0; i < results.size(); ++i) {
            const QJsonObject o = results[i].toObject();
            QCOMPARE(o.keys(), (QStringList{"embedding", "id", "input_ids"}));
            QCOMPARE(o.value("id").toString(), ids[i]);
            const QJsonObject g = goldens.value(ids[i]);
            QCOMPARE(o.value("input_ids").toArray(), g.value("input_ids").toArray());
            const double d =
                maxAbsDiff(o.value("embedding").toArray(), g.value("embedding").toArray());
            qInfo("embed --cases %s: max|diff| %.3g", qPrintable(ids[i]), d);
            QVERIFY2(d <= 1e-5, qPrintable(ids[i] + " " + QString::number(d)));
        }
    }

    // `--text` prints the JSON to standard output; `--positions mrope` gives embedding_mrope.
    void embedSingleInputs() {
        QFile goldensFile(kReference + "/goldens/embeddings.json");
        QVERIFY(goldensFile.open(QIODevice::ReadOnly));
        QJsonObject text;
        QJsonObject image;
        for (const auto& v :
             QJsonDocument::fromJson(goldensFile.readAll()).object().value("cases").toArray()) {
            const QString id = v.toObject().value("id").toString();
            if (id == "text_02") {
                text = v.toObject();
            } else if (id == "image_gray_500x500") {
                image = v.toObject();
            }
        }
        const Result t = runCli(QStringList{"embed"} + tinyAbcArgs() +
                                QStringList{"--text", text.value("text").toString()});
        QVERIFY2(t.exitCode == 0, t.err.constData());
        const QJsonArray tOut = QJsonDocument::fromJson(t.out).array();
        QCOMPARE(tOut.size(), 1);
        QCOMPARE(tOut[0].toObject().value("input_ids").toArray(),
                 text.value("input_ids").toArray());
        const double dt = maxAbsDiff(tOut[0].toObject().value("embedding").toArray(),
                                     text.value("embedding").toArray());
        qInfo("embed --text: max|diff| %.3g", dt);
        QVERIFY(dt <= 1e-5);

        const Result m = runCli(QStringList{"embed"} + tinyAbcArgs() +
                                QStringList{"--image", kReference + "/images/gray_500x500.png",
                                            "--positions", "mrope"});
        QVERIFY2(m.exitCode == 0, m.err.constData());
        const QJsonArray mOut = QJsonDocument::fromJson(m.out).array();
        QCOMPARE(mOut.size(), 1);
        const double dm = maxAbsDiff(mOut[0].toObject().value("embedding").toArray(),
                                     image.value("embedding_mrope").toArray());
        qInfo("embed --image --positions mrope: max|diff| %.3g", dm);
        QVERIFY(dm <= 1e-5);
    }

    // --weights int8 quantizes at load: the vector stays within the int8 goal of the float32
    // golden without equalling it; an unknown value is a usage error.
    void embedWithQuantizedWeights() {
        const Result plain =
            runCli(QStringList{"embed"} + tinyAbcArgs() + QStringList{"--text", "a dog"});
        QVERIFY2(plain.exitCode == 0, plain.err.constData());
        const Result int8 = runCli(QStringList{"embed"} + tinyAbcArgs() +
                                   QStringList{"--text", "a dog", "--weights", "int8"});
        QVERIFY2(int8.exitCode == 0, int8.err.constData());
        const QJsonArray a =
            QJsonDocument::fromJson(plain.out).array()[0].toObject().value("embedding").toArray();
        const QJsonArray b =
            QJsonDocument::fromJson(int8.out).array()[0].toObject().value("embedding").toArray();
        QCOMPARE(a.size(), b.size());
        double dot = 0;
        for (qsizetype i = 0; i < a.size(); ++i) {
            dot += a[i].toDouble() * b[i].toDouble();
        }
        qInfo("embed --weights int8: cosine to float32 %.6f, max|diff| %.3g", dot,
              maxAbsDiff(a, b));
        QVERIFY(dot >= 0.995);
        QVERIFY(maxAbsDiff(a, b) > 1e-5);
        const Result bad = runCli(QStringList{"embed"} + tinyAbcArgs() +
                                  QStringList{"--text", "a dog", "--weights", "fp8"});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("--weights"), bad.err.constData());
    }

    // A case whose image does not exist: non-zero exit, the file named, no output written.
    void embedNamesAMissingImage() {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString casesFile = temp.path() + "/cases.json";
        const QString outFile = temp.path() + "/out.json";
        QVERIFY(writeJson(
            casesFile,
            QJsonDocument(QJsonArray{
                QJsonObject{{"id", "t"}, {"kind", "text"}, {"text", "a dog"}},
                QJsonObject{
                    {"id", "gone"}, {"kind", "image"}, {"image", "missing/nowhere.jpg"}}})));
        const Result r = runCli(QStringList{"embed"} + tinyAbcArgs() +
                                QStringList{"--cases", casesFile, "--out", outFile});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("nowhere.jpg"), r.err.constData());
        QVERIFY(!QFile::exists(outFile));

        // An instruction without an instruct adapter is refused, not silently run without it.
        const Result n =
            runCli(QStringList{"embed"} + tinyAbcArgs() +
                   QStringList{"--no-instruct", "--image", kReference + "/images/tiny_40x30.jpg",
                               "--instruction", "what is the animal on the left?"});
        QVERIFY(n.exitCode != 0);
        QVERIFY2(!n.err.isEmpty(), n.out.constData());
        qInfo("no instruct adapter: %s", n.err.trimmed().constData());
    }

    void verifyNamesAMissingFolder() {
        const Result r = runCli({"verify", "--fixtures", "/nonexistent/fixtures"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("/nonexistent/fixtures/index.json"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliEmbed)
#include "test_cli_embed.moc"
