// The model commands of abc-photos-cli as a user runs them: `verify` against the engine
// fixtures (figures printed, exit code tied to the goldens' tolerance) and `embed` on the
// shared tiny checkpoint (output format, vectors vs the goldens, named errors).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

namespace {

const QString kEngineFixtures = QStringLiteral(ABC_TEST_DATA_DIR "/engine");

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runCli(const QStringList& args) {
    QProcess process;
    process.start(QStringLiteral(ABC_CLI_PATH), args);
    if (!process.waitForFinished(120000)) {
        process.kill();
        qFatal("abc-photos-cli did not finish");
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

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
        QVERIFY2(r.exitCode == 0 || r.exitCode == 1, r.err.constData());
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
            // The engine's known float32 figures (docs/engine.md): at most 2e-5 everywhere,
            // cosine at 1 to 1e-9.
            QVERIFY(seq.value("max_abs_diff").toDouble() <= 2e-5);
            QVERIFY(mrope.value("max_abs_diff").toDouble() <= 2e-5);
            QVERIFY(seq.value("min_cosine").toDouble() >= 0.99999);
            QVERIFY(mrope.value("min_cosine").toDouble() >= 0.99999);
            QVERIFY(c.value("load_seconds").toDouble() > 0.0);
            QVERIFY(c.value("embed_seconds").toDouble() > 0.0);
        }
        // float32: the exit code says whether every configuration met its tolerance.
        QCOMPARE(report.value("within_tolerance").toBool(), allWithin);
        QCOMPARE(r.exitCode, allWithin ? 0 : 1);
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

    void verifyNamesAMissingFolder() {
        const Result r = runCli({"verify", "--fixtures", "/nonexistent/fixtures"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("/nonexistent/fixtures/index.json"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliEmbed)
#include "test_cli_embed.moc"
