// Indexing from the window with the tiny ABC checkpoint and a real SQLite library: the Pause
// button stops the run between two photos (the worker reports it paused, nothing more is
// embedded or committed while it is) and Resume finishes it; the status bar shows the
// remaining time while photos are embedded; model settings changed during a run are saved at
// once, the user is told they apply when the run ends, and the model is reloaded then.
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "support/gated_embedder.h"
#include "support/ui_test_setup.h"
#include "ui/engine_session.h"
#include "ui/index_worker.h"
#include "ui/main_window.h"

using abc::IndexProgress;
using abc::test::tinySettings;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 40000;
// More photos than one model batch (16), so the remaining time is known before the end.
constexpr int kPhotoCount = 40;
const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);

// What the window showed for each progress report, as it showed it.
struct Observed {
    QList<IndexProgress> reports;
    QStringList statuses;
    QList<int> bars;  // the progress bar's value
};

// Records every report and presses Pause once the photos start to be embedded. The model holds
// its first batch at `gate` until then, so the pause always lands before the run could end.
void watchAndPauseAtEmbedding(MainWindow& window, Observed& observed,
                              abc::test::GatedEmbedder& gate) {
    QObject::connect(
        &window, &MainWindow::indexProgressShown, &window,
        [&window, &observed, &gate](const IndexProgress& step) {
            observed.reports << step;
            observed.statuses << window.statusText();
            observed.bars << window.findChild<QProgressBar*>("indexProgress")->value();
            if (step.phase == IndexProgress::Phase::Embedding && !window.isPaused() &&
                std::none_of(observed.reports.begin(), observed.reports.end() - 1,
                             [](const IndexProgress& earlier) {
                                 return earlier.phase == IndexProgress::Phase::Embedding;
                             })) {
                QTest::mouseClick(window.findChild<QPushButton*>("pauseIndexing"), Qt::LeftButton);
                gate.open();
            }
        });
}

std::int64_t vectors(const EngineSession& session) {
    const auto model = session.store->findModel(session.embedder->fingerprint());
    return model ? session.store->vectorCount(*model, "") : 0;
}

int lastPausedReport(const Observed& observed) {
    for (int i = static_cast<int>(observed.reports.size()) - 1; i >= 0; --i) {
        if (observed.reports[i].paused)
            return i;
    }
    return -1;
}

}  // namespace

class TestUiIndexing : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;

    // The tiny model behind a gate that holds its first batch until the test paused the run.
    std::pair<std::shared_ptr<EngineSession>, std::shared_ptr<abc::test::GatedEmbedder>> load(
        const AppSettings& settings) {
        const auto library = EngineSession::openLibrary(settings);
        auto gate = std::make_shared<abc::test::GatedEmbedder>(
            EngineSession::loadModel(*library, settings)->embedder);
        return {EngineSession::withModel(*library, gate), gate};
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-indexing-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        QVERIFY(QDir().mkpath(photos_));
        // Distinct photos of 256 image tokens each (448 x 448 = 16 x 16 merged patches).
        for (int i = 0; i < kPhotoCount; ++i) {
            QImage image(448, 448, QImage::Format_RGB32);
            image.fill(QColor::fromHsv((i * 47) % 360, 140, 90 + (i * 29) % 160));
            QPainter painter(&image);
            painter.setPen(Qt::white);
            painter.drawEllipse(QPoint(40 + i * 9, 60 + i * 7), 30 + i, 20 + i);
            painter.drawText(image.rect(), Qt::AlignCenter, QString::number(i));
            painter.end();
            QVERIFY(image.save(
                QStringLiteral("%1/photo_%2.png").arg(photos_).arg(i, 2, 10, QChar('0'))));
        }
    }

    void pauseStopsTheRunAndResumeFinishesIt() {
        const auto [session, gate] =
            load(tinySettings(work_.filePath(QStringLiteral("pause.sqlite3"))));
        MainWindow window;
        window.setSession(session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Observed observed;
        watchAndPauseAtEmbedding(window, observed, *gate);
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        session->store->addFolder(photos_.toStdString());
        window.startIndexing();
        QVERIFY(window.isIndexing());

        // The worker says it parked; the window says so and offers Resume.
        QTRY_VERIFY_WITH_TIMEOUT(lastPausedReport(observed) >= 0, kWaitMs);
        QVERIFY(window.isPaused());
        auto* pause = window.findChild<QPushButton*>("pauseIndexing");
        QCOMPARE(pause->text(), QStringLiteral("Resume"));
        const int paused = lastPausedReport(observed);
        QCOMPARE(observed.reports[paused].phase, IndexProgress::Phase::Embedding);
        QVERIFY2(observed.statuses[paused].contains(QStringLiteral("paused")),
                 qPrintable(observed.statuses[paused]));
        const std::size_t doneAtPause = observed.reports[paused].done;
        QVERIFY2(doneAtPause < std::size_t{kPhotoCount}, "paused before the end of the run");

        // Nothing moves while paused: no report, no vector, no end of the run.
        const qsizetype reportsAtPause = observed.reports.size();
        const std::int64_t vectorsAtPause = vectors(*session);
        const int barAtPause = window.findChild<QProgressBar*>("indexProgress")->value();
        QTest::qWait(1500);
        QCOMPARE(observed.reports.size(), reportsAtPause);
        QCOMPARE(vectors(*session), vectorsAtPause);
        QCOMPARE(window.findChild<QProgressBar*>("indexProgress")->value(), barAtPause);
        QVERIFY(finished.isEmpty());
        QVERIFY(window.isIndexing());
        QVERIFY(window.statusText().contains(QStringLiteral("paused")));

        // Resume: the run goes on from there and finishes, every photo embedded.
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(!window.isPaused());
        QCOMPARE(pause->text(), QStringLiteral("Pause"));
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(!window.isIndexing());
        QCOMPARE(vectors(*session), std::int64_t{kPhotoCount});
        QVERIFY(observed.reports.size() > reportsAtPause);
        for (qsizetype i = reportsAtPause; i < observed.reports.size(); ++i) {
            QVERIFY(!observed.reports[i].paused);
            if (observed.reports[i].phase == IndexProgress::Phase::Embedding)
                QVERIFY(observed.reports[i].done >= doneAtPause);
        }

        // While photos were embedded the status bar said how long is left, and the bar moved.
        static const QRegularExpression eta(QStringLiteral("about \\d+ (s|min) left"));
        QStringList withEta;
        for (qsizetype i = 0; i < observed.reports.size(); ++i) {
            if (observed.reports[i].phase == IndexProgress::Phase::Embedding &&
                observed.reports[i].done < observed.reports[i].total &&
                observed.statuses[i].contains(eta)) {
                withEta << observed.statuses[i];
                QVERIFY(observed.statuses[i].contains(
                    QStringLiteral("of %1").arg(observed.reports[i].total)));
                QCOMPARE(observed.bars[i], static_cast<int>(observed.reports[i].done));
            }
        }
        QVERIFY2(!withEta.isEmpty(), qPrintable(observed.statuses.join("\n")));
        qInfo("status during indexing: %s", qPrintable(withEta.first()));
        QVERIFY(window.statusText().startsWith(QStringLiteral("Indexed: %1 new").arg(kPhotoCount)));
    }

    void modelSettingsChangedWhileIndexingApplyWhenItEnds() {
        const AppSettings before = tinySettings(work_.filePath(QStringLiteral("settings.sqlite3")));
        before.save();
        const auto [session, gate] = load(before);
        const std::string fingerprint = session->embedder->fingerprint();
        MainWindow window;
        window.setSession(session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Observed observed;
        watchAndPauseAtEmbedding(window, observed, *gate);
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        session->store->addFolder(photos_.toStdString());
        window.startIndexing();
        QTRY_VERIFY_WITH_TIMEOUT(lastPausedReport(observed) >= 0, kWaitMs);

        // Saved at once, applied later: the running indexer keeps its model.
        AppSettings chosen = before;
        chosen.imageTokens = 576;
        window.applySettings(chosen);
        QCOMPARE(AppSettings::load().imageTokens, 576);
        QCOMPARE(window.settings().imageTokens, 576);
        QVERIFY(window.hasPendingModelSettings());
        QVERIFY2(window.statusText().contains(QStringLiteral("apply when indexing finishes")),
                 qPrintable(window.statusText()));
        QCOMPARE(window.session(), session);
        QVERIFY(window.isIndexing());

        const qsizetype reportsBeforeResume = observed.reports.size();
        QTest::mouseClick(window.findChild<QPushButton*>("pauseIndexing"), Qt::LeftButton);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(finished.first().first().toBool(), false);
        // Every photo of the run was embedded by the model it started with.
        const auto oldModel = session->store->findModel(fingerprint);
        QVERIFY(oldModel);
        QCOMPARE(session->store->vectorCount(*oldModel, ""), std::int64_t{kPhotoCount});
        // The reports after the change kept saying so.
        QVERIFY(observed.reports.size() > reportsBeforeResume);
        QVERIFY2(observed.statuses.last().contains(QStringLiteral("new model settings apply")),
                 qPrintable(observed.statuses.last()));

        // Then the model is loaded again with the new settings.
        QVERIFY(!window.hasPendingModelSettings());
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() != session && window.session() && window.session()->hasModel(),
            kWaitMs);
        QVERIFY(!window.isIndexing());
        QVERIFY(!window.isShowingFirstRun());
    }

    void cleanupTestCase() { QSettings().clear(); }
};

QTEST_MAIN(TestUiIndexing)
#include "test_ui_indexing.moc"
