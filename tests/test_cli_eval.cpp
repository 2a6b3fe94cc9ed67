// `abc-photos-cli eval` through the real process with the tiny ABC checkpoint, on generated
// labelled folders and a caption CSV: every number equals an independent recomputation by
// tools/reference/eval_metrics.py (torch, float64) over the vectors the command exported, with
// and without an instruction; the report folder holds the HTML page and confusion PNGs whose
// cells show the matrix. The metric definitions themselves on hand-made vectors.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "core/eval/retrieval_metrics.h"
#include "support/cli_process.h"
#include "support/photo_files.h"

namespace {

using Run = abc::test::CliText;

Run cli(const QStringList& args) {
    return abc::test::runCliText(args, 300000);
}

QJsonObject jsonObject(const QString& text) {
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qFatal("not a JSON object (%s): %s", qPrintable(error.errorString()), qPrintable(text));
    }
    return document.object();
}

// The reference script's metrics for an exported vectors file.
QJsonObject referenceMetrics(const QString& vectorsFile) {
    QProcess python;
    python.start(QStringLiteral(ABC_SOURCE_DIR "/.venv/bin/python"),
                 {QStringLiteral(ABC_SOURCE_DIR "/tools/reference/eval_metrics.py"), vectorsFile});
    if (!python.waitForFinished(300000) || python.exitStatus() != QProcess::NormalExit ||
        python.exitCode() != 0) {
        qFatal("eval_metrics.py failed: %s", python.readAllStandardError().constData());
    }
    return jsonObject(QString::fromUtf8(python.readAllStandardOutput()));
}

// The same metrics within float64 noise, and the same confusion counts.
void compareMetrics(const QJsonObject& ours, const QJsonObject& reference) {
    if (reference["accuracy"].isNull()) {
        QVERIFY(ours["accuracy"].isNull());
    } else {
        QVERIFY2(std::abs(ours["accuracy"].toDouble() - reference["accuracy"].toDouble()) < 1e-12,
                 qPrintable(QString::number(ours["accuracy"].toDouble())));
    }
    for (const char* direction : {"text_to_image", "image_to_text"}) {
        for (const char* k : {"r1", "r5", "r10"}) {
            const double a = ours[direction].toObject()[k].toDouble();
            const double b = reference[direction].toObject()[k].toDouble();
            QVERIFY2(std::abs(a - b) < 1e-12,
                     qPrintable(QString("%1 %2: %3 vs %4").arg(direction, k).arg(a).arg(b)));
        }
    }
    QCOMPARE(ours["confusion"].toArray(), reference["confusion"].toArray());
}

}  // namespace

class TestCliEval : public QObject {
    Q_OBJECT

  private slots:
    // Perfect vectors score 1 everywhere; a text shared by two images is found by either;
    // ties rank the earlier item first.
    void metricDefinitions() {
        abc::EvalVectors v;
        v.labels = {"a", "b"};
        v.labelVectors = {{1.0f, 0.0f}, {0.0f, 1.0f}};
        v.texts = v.labels;
        v.textVectors = v.labelVectors;
        v.images = {{1.0f, 0.0f}, {0.0f, 1.0f}, {0.6f, 0.8f}};
        v.imageLabel = {0, 1, 0};
        v.imageText = {0, 1, 0};
        auto m = abc::computeMetrics(v);
        QCOMPARE(*m.accuracy, 2.0 / 3.0);  // the third image is nearer "b"
        QCOMPARE(m.confusion, (std::vector<std::vector<std::size_t>>{{1, 1}, {0, 1}}));
        QCOMPARE(m.imageToText.r1, 2.0 / 3.0);
        QCOMPARE(m.imageToText.r5, 1.0);
        QCOMPARE(m.textToImage.r1, 1.0);  // "a" finds image 0, "b" image 1 (0.8 < 1)
        v.images[2] = {0.0f, 1.0f};       // a tie with image 1 for "b": image 1 comes first
        v.imageLabel[2] = 1;
        v.imageText[2] = 1;
        m = abc::computeMetrics(v);
        QCOMPARE(*m.accuracy, 1.0);
        QCOMPARE(m.textToImage.r1, 1.0);
        v.imageLabel = {abc::EvalVectors::kNoLabel, abc::EvalVectors::kNoLabel,
                        abc::EvalVectors::kNoLabel};
        QVERIFY(!abc::computeMetrics(v).accuracy.has_value());
    }

    void labelledFolderMatchesTheReference() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/set";
        const QStringList labels = {"a cat", "a dog", "a red car"};
        int seed = 40;
        for (const auto& label : labels) {
            for (int i = 0; i < 4; ++i) {
                abc::test::writeImage(root + "/" + label + QString("/%1.png").arg(i), seed++);
            }
        }
        abc::test::writeImage(root + "/not-in-a-label-folder.png", 99);
        const QString vectors = dir.filePath("vectors.json");
        const QString report = dir.filePath("report");
        const Run r = cli(QStringList{"eval", root, "--json", "--vectors", vectors, "--report",
                                      report, "--instruction", "What is the main subject?"} +
                          abc::test::tinyModelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const auto ours = jsonObject(r.out);
        QCOMPARE(ours["images"].toInt(), 12);
        QCOMPARE(ours["texts"].toInt(), 3);
        QCOMPARE(ours["labels"].toArray(), QJsonArray::fromStringList(labels));
        const auto reference = referenceMetrics(vectors);
        compareMetrics(ours["plain"].toObject(), reference["plain"].toObject());
        compareMetrics(ours["instructed"].toObject(), reference["instructed"].toObject());
        // The instructed run had vectors of its own, not the plain ones reported twice.
        {
            QFile file(vectors);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const auto first =
                jsonObject(QString::fromUtf8(file.readAll()))["images"].toArray()[0].toObject();
            QVERIFY(first["vector"].toArray() != first["instructed_vector"].toArray());
        }

        // The report: the page names every label and both runs; each PNG cell is as dark as
        // its share of the row.
        QFile page(report + "/report.html");
        QVERIFY(page.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(page.readAll());
        for (const auto& label : labels) {
            QVERIFY2(html.contains("<th>" + label + "</th>"), qPrintable(label));
        }
        QVERIFY(html.contains("What is the main subject?"));
        QVERIFY(html.contains("src=\"confusion.png\"") &&
                html.contains("src=\"confusion-instructed.png\""));
        QCOMPARE(jsonObject(QString::fromUtf8([&] {
                     QFile metrics(report + "/metrics.json");
                     return metrics.open(QIODevice::ReadOnly) ? metrics.readAll() : QByteArray();
                 }()))["plain"],
                 ours["plain"]);
        const QImage png(report + "/confusion.png");
        QCOMPARE(png.size(), QSize(3 * 24 + 4, 3 * 24 + 4));
        const auto confusion = ours["plain"].toObject()["confusion"].toArray();
        for (int t = 0; t < 3; ++t) {
            for (int p = 0; p < 3; ++p) {
                const double share = confusion[t].toArray()[p].toDouble() / 4.0;
                const QColor cell = png.pixelColor(1 + p * 25 + 12, 1 + t * 25 + 12);
                QVERIFY2(std::abs(cell.red() - (255 + (8 - 255) * share)) <= 1.0,
                         qPrintable(QString("cell %1,%2").arg(t).arg(p)));
            }
        }
        QVERIFY(!QImage(report + "/confusion-instructed.png").isNull());
    }

    // Captions in a CSV: each image's own text; no labels, so no accuracy.
    void captionCsvMatchesTheReference() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        QByteArray csv = "caption,path\n";
        const QStringList captions = {"a sunny beach",
                                      "a snowy mountain",
                                      "a city at night",
                                      "a bowl of fruit",
                                      "a red bicycle",
                                      "two dogs playing",
                                      "an old \"wooden\" door",
                                      "a field, with cows",
                                      "a lighthouse",
                                      "a bridge",
                                      "a waterfall"};
        for (int i = 0; i < captions.size(); ++i) {
            abc::test::writeImage(root + QString("/img/%1.png").arg(i), 60 + i);
            QString quoted = captions[i];
            quoted.replace("\"", "\"\"");
            csv += ("\"" + quoted + "\"," + QString("img/%1.png").arg(i) + "\n").toUtf8();
        }
        abc::test::writeFile(root + "/captions.csv", csv);
        const QString vectors = dir.filePath("vectors.json");
        const Run r = cli(
            QStringList{"eval", "--csv", root + "/captions.csv", "--json", "--vectors", vectors} +
            abc::test::tinyModelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const auto ours = jsonObject(r.out);
        QCOMPARE(ours["images"].toInt(), 11);
        QCOMPARE(ours["texts"].toInt(), 11);
        QVERIFY(ours["plain"].toObject()["accuracy"].isNull());
        QVERIFY(!ours.contains("instructed"));
        compareMetrics(ours["plain"].toObject(), referenceMetrics(vectors)["plain"].toObject());
    }

    void badInputIsNamed() {
        QTemporaryDir dir;
        abc::test::writeFile(dir.filePath("bad.csv"), "path,label\nx.png\n");
        Run r =
            cli(QStringList{"eval", "--csv", dir.filePath("bad.csv")} + abc::test::tinyModelArgs());
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("bad.csv:2: has 1 fields, expected 2"), qPrintable(r.all));
        r = cli(QStringList{"eval", dir.path()} + abc::test::tinyModelArgs());
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("has no images in subfolders"), qPrintable(r.all));
        r = cli(QStringList{"eval"} + abc::test::tinyModelArgs());
        QCOMPARE(r.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliEval)
#include "test_cli_eval.moc"
