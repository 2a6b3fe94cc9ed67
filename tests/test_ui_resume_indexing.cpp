// Indexing left unfinished (a run cancelled once its photos were recorded, as a closed window
// leaves it) is finished when the library opens: at once by default, or, with the setting
// off, from a bar above the grid that says how many photos are left and how long they take.
// Real tiny ABC checkpoint, real SQLite library, real files, real widgets.
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <stop_token>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/model/device.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/resume_indexing_bar.h"
#include "ui/settings_dialog.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kPhotos = 6;

std::int64_t vectorsOf(const EngineSession& session) {
    const auto model = session.store->findModel(session.embedder->fingerprint());
    return model ? session.store->vectorCount(*model, "") : 0;
}

// Indexes `folder` into the session's library and stops the run once the model committed its
// first batch of two: every photo is recorded, only those two have vectors.
void indexUnfinished(const EngineSession& session, const QString& folder) {
    abc::PhotoIndexer indexer(*session.store, *session.embedder, *session.decoder);
    abc::IndexOptions options;
    options.folders = {folder.toStdString()};
    options.maxBatchPhotos = 2;
    options.decodeThreads = 1;
    std::stop_source stop;
    const abc::IndexSummary summary = indexer.run(
        options,
        [&](const abc::IndexProgress& step) {
            if (step.phase == abc::IndexProgress::Phase::Embedding && step.done >= 2)
                stop.request_stop();
        },
        stop.get_token());
    QVERIFY(summary.cancelled);
}

}  // namespace

class TestUiResumeIndexing : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

    // A library of kPhotos photos of which the model embedded only the first batch.
    std::shared_ptr<EngineSession> unfinishedLibrary(const QString& name) {
        const QString folder = QDir(work_.filePath(name)).absolutePath();
        abc::test::writePatternPhotos(folder, 0, kPhotos);
        const AppSettings settings = abc::test::tinySettings(work_.filePath(name + ".sqlite3"));
        const auto session =
            EngineSession::loadModel(*EngineSession::openLibrary(settings), settings);
        indexUnfinished(*session, folder);
        return session;
    }

  private slots:
    void initTestCase() {
        QVERIFY(work_.isValid());
        // Settings of its own, the shared settings file too: the window writes it when
        // Settings change, and other tests running meanwhile read theirs.
        qputenv("HOME", QFile::encodeName(work_.path()));
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-resume-indexing-test"));
    }

    void theBarOffersToResumeWhenTheSettingIsOff() {
        const auto session = unfinishedLibrary(QStringLiteral("offered"));
        const std::int64_t before = vectorsOf(*session);
        QVERIFY2(before > 0 && before < kPhotos, qPrintable(QString::number(before)));
        const int left = kPhotos - static_cast<int>(before);

        AppSettings off = AppSettings::load();
        off.resumeIndexingAtStart = false;
        off.save();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, session));
        auto* bar = findNamed<abc::ui::ResumeIndexingBar>(window, "resumeIndexingBar");
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), abc::test::kWindowWaitMs);
        const QString text = findNamed<QLabel>(*bar, "resumeIndexingText")->text();
        QVERIFY2(text.startsWith(QStringLiteral("%1 photos are not indexed yet").arg(left)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("about ")), qPrintable(text));
        // Offered, not started: the window goes on searching what is indexed.
        QVERIFY(!window.isIndexing());
        QCOMPARE(vectorsOf(*session), before);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")),
                 static_cast<int>(before));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("resume_indexing")));

        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        QTest::mouseClick(findNamed<QPushButton>(*bar, "resumeIndexing"), Qt::LeftButton);
        QVERIFY(window.isIndexing());
        QVERIFY(!bar->isVisible());
        QVERIFY(finished.wait(abc::test::kWindowWaitMs));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(vectorsOf(*session), std::int64_t{kPhotos});
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        QVERIFY(!bar->isVisible());
    }

    void notNowHidesTheOffer() {
        const auto session = unfinishedLibrary(QStringLiteral("dismissed"));
        MainWindow window;
        QVERIFY(!window.settings().resumeIndexingAtStart);  // as the test before saved it
        QVERIFY(abc::test::showWindow(window, session));
        auto* bar = findNamed<abc::ui::ResumeIndexingBar>(window, "resumeIndexingBar");
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), abc::test::kWindowWaitMs);
        QTest::mouseClick(findNamed<QPushButton>(*bar, "dismissResumeIndexing"), Qt::LeftButton);
        QVERIFY(!bar->isVisible());
        // The sidebar's counts read again (a search, a refresh) do not bring it back.
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")),
                 static_cast<int>(vectorsOf(*session)));
        QTest::qWait(200);
        QVERIFY(!bar->isVisible());
        QVERIFY(!window.isIndexing());
    }

    void settingsTurnAutomaticResumingOnAndItResumesAtStart() {
        // The checkbox in Settings says what is saved and changes it.
        AppSettings saved = AppSettings::load();
        abc::ui::SettingsDialog dialog(saved, abc::runtimeInfo());
        auto* box = findNamed<QCheckBox>(dialog, "resumeIndexingAtStart");
        QVERIFY(!box->isChecked());
        box->setChecked(true);
        QVERIFY(dialog.settings().resumeIndexingAtStart);
        dialog.settings().save();
        QVERIFY(AppSettings::load().resumeIndexingAtStart);

        const auto session = unfinishedLibrary(QStringLiteral("automatic"));
        QVERIFY(vectorsOf(*session) < kPhotos);
        MainWindow window;
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        QVERIFY(abc::test::showWindow(window, session));
        // Nobody asked: the run starts as the library is seen, and finishes what was left.
        QVERIFY(finished.wait(abc::test::kWindowWaitMs));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(vectorsOf(*session), std::int64_t{kPhotos});
        QVERIFY(!findNamed<abc::ui::ResumeIndexingBar>(window, "resumeIndexingBar")->isVisible());
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
    }

    void aFullyIndexedLibraryNeitherOffersNorResumes() {
        const auto session = unfinishedLibrary(QStringLiteral("complete"));
        {
            MainWindow window;
            QVERIFY(abc::test::showWindow(window, session));
            QTRY_COMPARE_WITH_TIMEOUT(vectorsOf(*session), std::int64_t{kPhotos},
                                      abc::test::kWindowWaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(!window.isIndexing(), abc::test::kWindowWaitMs);
        }
        MainWindow again;
        QVERIFY(abc::test::showWindow(again, session));
        QTest::qWait(500);
        QVERIFY(!again.isIndexing());
        QVERIFY(!findNamed<abc::ui::ResumeIndexingBar>(again, "resumeIndexingBar")->isVisible());
    }
};

QTEST_MAIN(TestUiResumeIndexing)
#include "test_ui_resume_indexing.moc"
