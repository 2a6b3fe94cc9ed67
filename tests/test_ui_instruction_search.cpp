// An instruction search in the real window, on a real SQLite library with a slow stand-in
// model (each photo embedded with the instruction takes tens of milliseconds, as a forward of
// the real model takes seconds): the status bar counts the photos embedded out of the 100
// candidates; a plain search asked for meanwhile answers and stops it, which is not an error;
// the photos it embedded stay in the library, so the next instruction search embeds only the
// rest; Esc and the Stop button stop it too.
#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "support/ui_test_setup.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 30000;
constexpr int kPhotos = 120;      // more than the 100 candidates an instruction search embeds
constexpr int kCandidates = 100;  // SearchRequest::instructionCandidates
constexpr int kDelayMs = 40;      // per photo: the whole instruction search is ~4 s
const QString kInstruction = QStringLiteral("what colour is the photo?");

// Photos embedded with `instruction` so far, as the library has them.
std::int64_t instructedVectors(const abc::ui::EngineSession& session, const QString& instruction) {
    const auto model = session.store->findModel(session.embedder->instructionFingerprint());
    return model ? session.store->vectorCount(*model, instruction.toStdString()) : 0;
}

// Waits for the first progress report at or past `done` photos; its (done, total).
std::pair<int, int> waitForProgress(QSignalSpy& progress, int done) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < kWaitMs) {
        for (const auto& arguments : progress) {
            if (arguments.at(0).toInt() >= done)
                return {arguments.at(0).toInt(), arguments.at(1).toInt()};
        }
        progress.wait(200);
    }
    return {-1, -1};
}

}  // namespace

class TestUiInstructionSearch : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

    abc::test::UiPhotoLibrary makeLibrary(const QString& name) {
        auto library = abc::test::makeUiPhotoLibrary(work_.filePath(name),
                                                     work_.filePath(name + ".sqlite3"), kPhotos);
        auto* fake = dynamic_cast<abc::test::FakeEmbedder*>(library.session->embedder.get());
        Q_ASSERT(fake);
        fake->delayMs = kDelayMs;
        return library;
    }

    static void openWindow(MainWindow& window, const abc::test::UiPhotoLibrary& library) {
        window.setSession(library.session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
    }

    static void askWithInstruction(MainWindow& window) {
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a red photo"));
        findNamed<QLineEdit>(window, "instructionBar")->setText(kInstruction);
        QTest::keyClick(findNamed<QLineEdit>(window, "instructionBar"), Qt::Key_Return);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-instruction-search-test"));
        QVERIFY(work_.isValid());
    }

    void aPlainSearchStopsTheInstructionSearchAndItsWorkIsKept() {
        const auto library = makeLibrary(QStringLiteral("supersede"));
        MainWindow window;
        openWindow(window, library);
        QSignalSpy progress(&window, &MainWindow::searchProgressShown);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QSignalSpy failed(&window, &MainWindow::searchFailed);
        QSignalSpy stopped(&window, &MainWindow::searchStopped);

        QStringList statuses;  // the status bar at each progress report
        connect(&window, &MainWindow::searchProgressShown, this,
                [&] { statuses << window.statusText(); });

        askWithInstruction(window);
        QVERIFY(window.isSearching());
        QVERIFY(findNamed<QProgressBar>(window, "searchProgress")->isVisible());
        QVERIFY(findNamed<QPushButton>(window, "stopSearch")->isVisible());
        const auto [done, total] = waitForProgress(progress, 3);
        QVERIFY2(done >= 3, "no progress from the instruction search");
        QCOMPARE(total, kCandidates);  // the grid's 1000 results do not make 1000 candidates
        QCOMPARE(progress.first().at(0).toInt(), 1);
        QCOMPARE(statuses.first(),
                 QStringLiteral("Embedding with the instruction: 1 / 100 photos (Esc stops)"));
        QCOMPARE(findNamed<QProgressBar>(window, "searchProgress")->maximum(), kCandidates);
        QVERIFY(findNamed<QProgressBar>(window, "searchProgress")->value() >= done);

        // A plain search now: answered after at most the photo in hand, not after the other
        // ~90 photos (~4 s).
        QElapsedTimer clock;
        clock.start();
        findNamed<QLineEdit>(window, "instructionBar")->clear();
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a blue photo"));
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Return);
        QVERIFY(shown.wait(kWaitMs));
        const qint64 answeredMs = clock.elapsed();
        qInfo("plain search answered %lld ms after it was asked, during an instruction search",
              answeredMs);
        QCOMPARE(shown.count(), 1);  // the instruction search showed nothing
        QCOMPARE(window.resultsModel()->rowCount(), kPhotos);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(stopped.count(), 0);  // superseded, not stopped by the person
        QVERIFY2(!window.statusText().contains(QStringLiteral("failed")),
                 qPrintable(window.statusText()));
        QVERIFY(!window.isSearching());
        QVERIFY(!findNamed<QProgressBar>(window, "searchProgress")->isVisible());
        QVERIFY(!findNamed<QPushButton>(window, "stopSearch")->isVisible());

        // It stopped: no more photos are embedded after the plain search answered.
        const std::int64_t kept = instructedVectors(*library.session, kInstruction);
        QTest::qWait(10 * kDelayMs);
        QCOMPARE(instructedVectors(*library.session, kInstruction), kept);
        QVERIFY2(kept >= done && kept < kCandidates, qPrintable(QString::number(kept)));

        // The next instruction search embeds only the candidates not embedded yet.
        progress.clear();
        shown.clear();
        askWithInstruction(window);
        QVERIFY(shown.wait(kWaitMs));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().at(1).toInt(), kCandidates - static_cast<int>(kept));
        QCOMPARE(progress.last().at(0).toInt(), kCandidates - static_cast<int>(kept));
        QCOMPARE(window.resultsModel()->rowCount(), kCandidates);
        QCOMPARE(instructedVectors(*library.session, kInstruction), std::int64_t{kCandidates});
        QCOMPARE(failed.count(), 0);

        // All cached now: no photo to embed, no progress, the same ranking.
        const auto ranked = window.resultsModel()->hit(0).path;
        progress.clear();
        shown.clear();
        askWithInstruction(window);
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(progress.count(), 0);
        QCOMPARE(window.resultsModel()->hit(0).path, ranked);
    }

    void escapeAndTheStopButtonStopTheInstructionSearch() {
        const auto library = makeLibrary(QStringLiteral("stop"));
        MainWindow window;
        openWindow(window, library);
        QSignalSpy progress(&window, &MainWindow::searchProgressShown);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QSignalSpy failed(&window, &MainWindow::searchFailed);
        QSignalSpy stopped(&window, &MainWindow::searchStopped);

        // Esc outside a search does nothing.
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Escape);
        QCOMPARE(stopped.count(), 0);

        askWithInstruction(window);
        QVERIFY(waitForProgress(progress, 2).first >= 2);
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Escape);
        QVERIFY(stopped.wait(kWaitMs));
        const int embedded = stopped.first().at(1).toInt();
        QVERIFY2(embedded >= 2 && embedded < kCandidates, qPrintable(QString::number(embedded)));
        QCOMPARE(instructedVectors(*library.session, kInstruction), std::int64_t{embedded});
        QVERIFY2(window.statusText().startsWith(
                     QStringLiteral("Search stopped: %1 photo").arg(embedded)),
                 qPrintable(window.statusText()));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(shown.count(), 0);
        QVERIFY(!window.isSearching());
        QVERIFY(!findNamed<QPushButton>(window, "stopSearch")->isVisible());

        // The Stop button: the same, and the two runs' photos add up.
        progress.clear();
        stopped.clear();
        askWithInstruction(window);
        QVERIFY(waitForProgress(progress, 2).first >= 2);
        QCOMPARE(progress.first().at(1).toInt(), kCandidates - embedded);
        QVERIFY(findNamed<QPushButton>(window, "stopSearch")->isEnabled());
        QTest::mouseClick(findNamed<QPushButton>(window, "stopSearch"), Qt::LeftButton);
        QVERIFY(stopped.wait(kWaitMs));
        const int more = stopped.first().at(1).toInt();
        QVERIFY(more >= 2);
        QCOMPARE(instructedVectors(*library.session, kInstruction), std::int64_t{embedded + more});
        QCOMPARE(failed.count(), 0);
        QCOMPARE(shown.count(), 0);
    }

    void closingTheWindowDoesNotWaitForTheInstructionSearch() {
        const auto library = makeLibrary(QStringLiteral("close"));
        QElapsedTimer clock;
        {
            MainWindow window;
            openWindow(window, library);
            QSignalSpy progress(&window, &MainWindow::searchProgressShown);
            askWithInstruction(window);
            QVERIFY(waitForProgress(progress, 1).first >= 1);
            clock.start();
        }
        // Had the window waited for the search, all 100 candidates would be embedded by now.
        qInfo("window closed in %lld ms during an instruction search", clock.elapsed());
        const std::int64_t kept = instructedVectors(*library.session, kInstruction);
        QVERIFY2(kept >= 1 && kept < kCandidates, qPrintable(QString::number(kept)));
        QTest::qWait(10 * kDelayMs);
        QCOMPARE(instructedVectors(*library.session, kInstruction), kept);
    }
};

QTEST_MAIN(TestUiInstructionSearch)
#include "test_ui_instruction_search.moc"
