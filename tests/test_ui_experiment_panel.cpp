// The experiment panel: ABC's example prefilled, the matrix computed on a worker thread through
// the runner it is given, shown as a heatmap, exported as CSV and PNG.
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <stdexcept>

#include "ui/experiment_panel.h"
#include "ui/similarity_heatmap.h"

using abc::ui::ExperimentPanel;
using abc::ui::SimilarityMatrix;

class TestUiExperimentPanel : public QObject {
    Q_OBJECT

  private slots:
    void prefilledWithAbcExample() {
        ExperimentPanel panel;
        QCOMPARE(panel.instructions(), (QStringList{"what is the animal on the left?",
                                                    "what is the animal on the right?"}));
        QCOMPARE(panel.candidates(), (QStringList{"a dog", "a cat"}));
        // Without a model nothing can be computed.
        QVERIFY(!panel.findChild<QPushButton*>(QStringLiteral("experimentCompute"))->isEnabled());
    }

    void computesOnAWorkerThreadAndExports() {
        ExperimentPanel panel;
        std::atomic<bool> ranOnGuiThread{true};
        QThread* gui = QThread::currentThread();
        panel.setRunner(
            [&](const QString& image, const QStringList& rows, const QStringList& columns) {
                ranOnGuiThread = QThread::currentThread() == gui;
                SimilarityMatrix matrix{rows, columns, {}};
                for (int r = 0; r < rows.size(); ++r) {
                    for (int c = 0; c < columns.size(); ++c) {
                        matrix.values
                            << static_cast<float>(image.size() % 7) * 0.01f + r * 0.1f + c * 0.01f;
                    }
                }
                return matrix;
            });
        panel.setImagePath(QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"));
        panel.setCandidates({"a dog", "a cat", "a \"quoted\", comma"});
        auto* compute = panel.findChild<QPushButton*>(QStringLiteral("experimentCompute"));
        QVERIFY(compute->isEnabled());
        QSignalSpy computed(&panel, &ExperimentPanel::computed);
        QTest::mouseClick(compute, Qt::LeftButton);
        QVERIFY(computed.wait(10000));
        QVERIFY(!ranOnGuiThread);
        const SimilarityMatrix& shown = panel.heatmap()->matrix();
        QCOMPARE(shown.rows(), 2);
        QCOMPARE(shown.columns(), 3);
        QVERIFY(panel.heatmap()->accessibleDescription().contains("a cat"));

        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("m.csv"));
        QVERIFY(panel.exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.at(0).trimmed(),
                 QByteArray("instruction,a dog,a cat,\"a \"\"quoted\"\", comma\""));
        QVERIFY(lines.at(1).startsWith("what is the animal on the left?,"));
        QCOMPARE(lines.at(1).split(',').size(), 4);
        const QString png = dir.filePath(QStringLiteral("m.png"));
        QVERIFY(panel.exportPng(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), 900);
    }

    void runnerErrorIsReported() {
        ExperimentPanel panel;
        panel.setRunner(
            [](const QString&, const QStringList&, const QStringList&) -> SimilarityMatrix {
                throw std::runtime_error("cannot decode the image");
            });
        panel.setImagePath(QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"));
        QSignalSpy failed(&panel, &ExperimentPanel::failed);
        panel.compute();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().toString(), QStringLiteral("cannot decode the image"));
        QVERIFY(panel.heatmap()->matrix().isEmpty());
        QVERIFY(!panel.exportCsv(QStringLiteral("/tmp/never-written.csv")));
    }

    void csvRoundTripsFloat32() {
        SimilarityMatrix matrix{{"i"}, {"c"}, {0.123456789f}};
        const QString csv = matrix.toCsv();
        const float back = csv.split(QStringLiteral("\r\n")).at(1).split(',').at(1).toFloat();
        QCOMPARE(back, 0.123456789f);
    }
};

QTEST_MAIN(TestUiExperimentPanel)
#include "test_ui_experiment_panel.moc"
