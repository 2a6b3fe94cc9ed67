// The experiment panel: ABC's example prefilled, the matrix computed on a worker thread through
// the runner it is given, shown as a heatmap, exported as CSV and PNG (named after the image,
// with a caption); a stale matrix leaves when an input changes, a disabled Compute says what it
// needs, the inputs outlive a restart, and the photo selected in the grid can be taken.
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <stdexcept>

#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/experiment_panel.h"
#include "ui/main_window.h"
#include "ui/results_view.h"
#include "ui/similarity_heatmap.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::ExperimentPanel;
using abc::ui::SimilarityMatrix;

namespace {

const QString kDogAndCat = QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg");

// A stand-in for the model: a value per cell that depends on the inputs.
SimilarityMatrix fakeMatrix(const QString& image, const QStringList& rows,
                            const QStringList& columns) {
    SimilarityMatrix matrix{rows, columns, {}};
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < columns.size(); ++c)
            matrix.values << static_cast<float>(image.size() % 7) * 0.01f + r * 0.1f + c * 0.01f;
    }
    return matrix;
}

bool computeAndWait(ExperimentPanel& panel) {
    QSignalSpy computed(&panel, &ExperimentPanel::computed);
    panel.compute();
    return computed.wait(10000);
}

}  // namespace

class TestUiExperimentPanel : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-experiment-test"));
    }
    // Each case starts as a first start does: nothing kept from the one before.
    void init() { QSettings().clear(); }

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
                return fakeMatrix(image, rows, columns);
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

    // The exported PNG says which image it is about: in its proposed name and in a caption
    // over the heatmap.
    void exportedPngNamesTheImage() {
        ExperimentPanel panel;
        panel.setRunner(fakeMatrix);
        panel.setImagePath(kDogAndCat);
        QCOMPARE(panel.suggestedFileName(QStringLiteral("png")),
                 QStringLiteral("experiment-dog_and_cat.png"));
        QVERIFY(computeAndWait(panel));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("m.png"));
        QVERIFY(panel.exportPng(png));
        const QImage image(png);
        const QImage heatmap = panel.heatmap()->toImage();
        const int caption = image.height() - heatmap.height();
        QVERIFY2(caption > 10, qPrintable(QString::number(caption)));
        // Text in the strip: pixels of the text colour, not only the background.
        const QRgb background = image.pixel(image.width() - 2, 1);
        int inked = 0;
        for (int y = 0; y < caption; ++y) {
            for (int x = 0; x < image.width() / 2; ++x)
                inked += image.pixel(x, y) != background ? 1 : 0;
        }
        QVERIFY2(inked > 50, qPrintable(QString::number(inked)));
        QCOMPARE(panel.captionedHeatmap().height(), image.height());
    }

    // A matrix that no longer answers the inputs shown leaves; Compute brings the new one.
    void staleHeatmapLeavesWhenAnInputChanges() {
        ExperimentPanel panel;
        panel.setRunner(fakeMatrix);
        panel.setImagePath(kDogAndCat);
        QVERIFY(computeAndWait(panel));
        QVERIFY(!panel.heatmap()->matrix().isEmpty());
        panel.setCandidates({"a dog", "a cat", "a bird"});
        QVERIFY(panel.heatmap()->matrix().isEmpty());
        auto* status = findNamed<QLabel>(panel, "experimentStatus");
        QVERIFY2(status->text().contains(QStringLiteral("inputs changed")),
                 qPrintable(status->text()));
        QVERIFY(computeAndWait(panel));
        QCOMPARE(panel.heatmap()->matrix().columns(), 3);
        panel.setInstructions({"what is on the left?"});
        QVERIFY(panel.heatmap()->matrix().isEmpty());
        QVERIFY(computeAndWait(panel));
        panel.setImagePath(QStringLiteral(ABC_REFERENCE_DIR "/images/tiny_40x30.jpg"));
        QVERIFY(panel.heatmap()->matrix().isEmpty());
    }

    // A disabled Compute says what it is waiting for, beside it and in its tooltip.
    void disabledComputeSaysWhatIsMissing() {
        ExperimentPanel panel;
        auto* compute = findNamed<QPushButton>(panel, "experimentCompute");
        auto* hint = findNamed<QLabel>(panel, "experimentComputeHint");
        QVERIFY(!compute->isEnabled());
        QVERIFY2(hint->text().contains(QStringLiteral("a model")), qPrintable(hint->text()));
        QVERIFY2(hint->text().contains(QStringLiteral("an image")), qPrintable(hint->text()));
        QCOMPARE(compute->toolTip(), hint->text());
        panel.setRunner(fakeMatrix);
        QVERIFY(!hint->text().contains(QStringLiteral("a model")));
        panel.setImagePath(kDogAndCat);
        QVERIFY(compute->isEnabled());
        QVERIFY(hint->text().isEmpty());
        panel.setCandidates({});
        QVERIFY(!compute->isEnabled());
        QCOMPARE(hint->text(), QStringLiteral("Compute needs a candidate text."));
    }

    // The image, instructions and candidates come back after a restart (a new panel).
    void inputsAreKeptAcrossRestarts() {
        {
            ExperimentPanel panel;
            panel.setImagePath(kDogAndCat);
            panel.setInstructions({"which animal is bigger?"});
            panel.setCandidates({"the dog", "the cat", "neither"});
        }
        ExperimentPanel again;
        QCOMPARE(again.imagePath(), kDogAndCat);
        QCOMPARE(again.instructions(), QStringList{"which animal is bigger?"});
        QCOMPARE(again.candidates(), (QStringList{"the dog", "the cat", "neither"}));
    }

    // "Use selected photo" takes the photo selected in the main window's grid.
    void takesThePhotoSelectedInTheGrid() {
        QTemporaryDir work;
        const auto library = abc::test::makeUiPhotoLibrary(
            QDir(work.filePath("photos")).absolutePath(), work.filePath("library.sqlite3"), 4);
        abc::ui::MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        auto* panel = findNamed<ExperimentPanel>(window, "experimentPanel");
        auto* use = findNamed<QPushButton>(*panel, "experimentUseSelected");
        QVERIFY(!use->isEnabled());  // nothing selected yet
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), 4);
        auto* view = findNamed<abc::ui::ResultsView>(window, "resultsView");
        view->setCurrentIndex(window.resultsModel()->index(2));
        const QString selected = window.resultsModel()->hit(2).path;
        QVERIFY(use->isEnabled());
        QCOMPARE(use->toolTip(), QDir::toNativeSeparators(selected));
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(panel->imagePath(), selected);
        QVERIFY(!use->isEnabled());  // it is the image already
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
