// The near-duplicates view on real SQLite libraries with the stand-in model: byte-identical
// copies (one photo with several files) are listed first as "identical copy", whatever the
// threshold, then the near pairs, and "show in results" on a copy selects that copy; a scan is
// stopped when the view closes or when the threshold goes below what the scan computes, and the
// view then computes what it shows again.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "support/ui_test_setup.h"
#include "ui/duplicates_model.h"
#include "ui/duplicates_view.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::DuplicatePairRow;
using abc::ui::DuplicatesModel;
using abc::ui::DuplicatesView;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 60000;
// Large enough that a full scan takes seconds (10000^2 / 2 pairs of 768 floats: ~3 s on this
// 2-core machine), so a stop request a few hundred milliseconds in arrives while it runs.
constexpr int kScanPhotos = 10000;
constexpr int kScanDimension = 768;

// A library of kScanPhotos photos (paths only, no files: the scan reads vectors, not pixels).
std::shared_ptr<EngineSession> makeScanLibrary(const QString& libraryFile) {
    abc::ui::AppSettings settings;
    settings.libraryFile = libraryFile;
    const auto library = EngineSession::openLibrary(settings);
    auto embedder = std::make_shared<abc::test::FakeEmbedder>(kScanDimension);
    abc::LibraryStore& store = *library->store;
    std::vector<abc::FileRecord> records;
    for (int i = 0; i < kScanPhotos; ++i) {
        abc::FileRecord record;
        record.file = {QStringLiteral("/nowhere/scan/%1.jpg").arg(i).toStdString(), 1, 1};
        record.facts.contentHash =
            QStringLiteral("%1").arg(i + 1, 32, 16, QChar('0')).toStdString();
        record.facts.mediaType = "jpeg";
        records.push_back(record);
    }
    const auto ids = store.recordFiles(records);
    std::vector<abc::LibraryStore::VectorRow> rows;
    for (std::size_t i = 0; i < ids.size(); ++i)
        rows.push_back({ids[i], abc::test::seededUnitVector(i + 11, kScanDimension)});
    store.putVectors(store.modelId(embedder->fingerprint(), embedder->dimension()), "", rows);
    return EngineSession::withModel(*library, std::move(embedder));
}

}  // namespace

class TestUiDuplicatesScan : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    std::shared_ptr<EngineSession> scanLibrary_;

    // Sets the threshold and waits until the table shows the pairs for it.
    static bool showAt(DuplicatesView& view, double threshold) {
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.setThreshold(threshold);
        return shown.wait(kWaitMs);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-duplicates-scan-test"));
        QVERIFY(work_.isValid());
        scanLibrary_ = makeScanLibrary(work_.filePath(QStringLiteral("scan.sqlite3")));
    }

    void identicalCopiesAreListedFirst() {
        const QString folder = work_.filePath(QStringLiteral("copies"));
        auto library = abc::test::makeUiPhotoLibrary(folder, work_.filePath("copies.sqlite3"), 5);
        abc::LibraryStore& store = *library.session->store;
        // photo_001.png under two more paths: the same bytes, so the same photo.
        const auto original = store.fileByPath(library.paths[1].toStdString());
        QVERIFY(original);
        const auto facts = store.photo(original->second);
        QVERIFY(facts);
        QVERIFY(QDir().mkpath(folder + "/backup"));
        const QStringList copies = {folder + "/backup/photo_001.png",
                                    folder + "/backup/photo_001 (2).png"};
        for (const QString& copy : copies) {
            QVERIFY(QFile::copy(library.paths[1], copy));
            abc::PhotoFacts same;
            same.contentHash = facts->contentHash;
            same.mediaType = facts->mediaType;
            QCOMPARE(store.recordFile({copy.toStdString(), 1, 1}, same), original->second);
        }
        QCOMPARE(store.photo(original->second)->files.size(), std::size_t{3});
        // photo_003 nearly the same as photo_002 (its vector a little off): one near pair.
        const auto model = store.findModel(library.session->embedder->fingerprint());
        QVERIFY(model);
        const auto second = store.fileByPath(library.paths[2].toStdString())->second;
        const auto third = store.fileByPath(library.paths[3].toStdString())->second;
        std::vector<float> nearCopy = *store.vector(second, *model, "");
        const auto noise = abc::test::seededUnitVector(99, static_cast<int>(nearCopy.size()));
        double norm = 0;
        for (std::size_t i = 0; i < nearCopy.size(); ++i) {
            nearCopy[i] += 0.1f * noise[i];
            norm += double(nearCopy[i]) * nearCopy[i];
        }
        for (float& x : nearCopy)
            x = static_cast<float>(x / std::sqrt(norm));
        store.putVectors(*model, "", {{third, nearCopy}});

        DuplicatesView view;
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.setSession(library.session);
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // Possibly shown already while the window was being exposed.
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, kWaitMs);

        // The copies first (sorted by path, as the library keeps a photo's files), then the
        // near pair the vectors find, exactly as the library's finder gives it.
        const auto rows = view.model()->pairs();
        QCOMPARE(rows.size(), 3);
        const QString first = store.photo(original->second)->files[0].path.c_str();
        for (int row = 0; row < 2; ++row) {
            QVERIFY(rows[row].identical);
            QCOMPARE(rows[row].similarity, 1.0f);
            QCOMPARE(rows[row].first, first);
            QCOMPARE(view.model()->index(row, DuplicatesModel::Similarity).data().toString(),
                     QStringLiteral("identical copy"));
            QVERIFY(view.model()->index(row, 0).data(DuplicatesModel::IdenticalRole).toBool());
        }
        QStringList seconds = {rows[0].second, rows[1].second};
        QStringList expected = copies + QStringList{library.paths[1]};
        expected.removeAll(first);
        seconds.sort();
        expected.sort();
        QCOMPARE(seconds, expected);
        const auto nearPairs = library.session->search->nearDuplicates(0.95f);
        QCOMPARE(nearPairs.size(), std::size_t{1});
        QVERIFY(!rows[2].identical);
        QCOMPARE(rows[2].first, QString::fromStdString(nearPairs[0].first.path));
        QCOMPARE(rows[2].second, QString::fromStdString(nearPairs[0].second.path));
        QCOMPARE(rows[2].similarity, nearPairs[0].similarity);
        QVERIFY(rows[2].similarity < 1.0f);
        QCOMPARE(view.model()->index(2, DuplicatesModel::Similarity).data().toString(),
                 QString::number(rows[2].similarity, 'f', 4));
        QVERIFY2(view.summaryText().contains(QStringLiteral("2 of them are identical copies")),
                 qPrintable(view.summaryText()));

        // At 1 the near pair is gone, the copies stay.
        QVERIFY(showAt(view, 1.0));
        QCOMPARE(view.model()->rowCount(), 2);
        QVERIFY(view.model()->pair(0).identical && view.model()->pair(1).identical);
        QVERIFY2(view.summaryText().startsWith(QStringLiteral("2 pair")),
                 qPrintable(view.summaryText()));

        // "Show in results" on a copy selects that copy, not the photo's first path.
        MainWindow window;
        window.setSession(library.session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy results(&window, &MainWindow::resultsShown);
        const QString copy = rows[1].second;
        QVERIFY(copy != first);
        window.showInResults(copy);
        QVERIFY(results.wait(kWaitMs));
        QCOMPARE(findNamed<abc::ui::ResultsView>(window, "resultsView")
                     ->currentIndex()
                     .data(abc::ui::ResultsModel::PathRole),
                 QVariant(copy));
        QCOMPARE(window.resultsModel()->hit(0).path, copy);
        QVERIFY2(!window.statusText().contains(QStringLiteral("hidden")),
                 qPrintable(window.statusText()));
        int listed = 0;  // one tile per photo: the copy stands for it
        for (int row = 0; row < window.resultsModel()->rowCount(); ++row) {
            const QString path = window.resultsModel()->hit(row).path;
            listed +=
                path == copy || path == first || copies.contains(path) || path == library.paths[1];
        }
        QCOMPARE(listed, 1);
    }

    void closingTheViewStopsTheScan() {
        DuplicatesView view;
        view.setSession(scanLibrary_);
        QSignalSpy stopped(&view, &DuplicatesView::scanStopped);
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.isComputing());
        QTest::qWait(100);
        QElapsedTimer clock;
        clock.start();
        view.close();
        QVERIFY(stopped.wait(kWaitMs));  // only sent when the scan threw abc::Cancelled
        qInfo("scan ended %lld ms after the view was closed", clock.elapsed());
        QVERIFY(!view.isComputing());
        QCOMPARE(shown.count(), 0);
        QTest::qWait(100);
        QVERIFY(!view.isComputing());  // closed: not started again

        // Shown again: computed again, to the end this time.
        stopped.clear();
        clock.start();
        view.show();
        QVERIFY(view.isComputing());
        QVERIFY(shown.wait(kWaitMs));
        qInfo("a full scan of %d photos x %d took %lld ms", kScanPhotos, kScanDimension,
              clock.elapsed());
        QCOMPARE(stopped.count(), 0);
        QCOMPARE(view.model()->rowCount(), 0);  // random vectors: no near duplicates
        QVERIFY2(view.summaryText().startsWith(QStringLiteral("No two photos")),
                 qPrintable(view.summaryText()));
    }

    void aLowerThresholdStopsTheScanAndComputesAgain() {
        DuplicatesView view;
        view.setSession(scanLibrary_);
        QSignalSpy stopped(&view, &DuplicatesView::scanStopped);
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.isComputing());
        QCOMPARE(view.scanThreshold(), static_cast<float>(DuplicatesView::kDefaultThreshold));

        // Higher: the scan in progress answers it too and goes on.
        view.setThreshold(0.97);
        QTest::qWait(300);  // past the threshold's settling time
        QCOMPARE(stopped.count(), 0);
        QVERIFY(view.isComputing());

        // Lower: its pairs would not answer, so it stops and a scan at 0.9 starts.
        view.setThreshold(0.9);
        QVERIFY(stopped.wait(kWaitMs));
        QTRY_COMPARE(view.scanThreshold(), 0.9f);
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(shown.count(), 1);
        QCOMPARE(stopped.count(), 1);
        QVERIFY(!view.isComputing());
        QCOMPARE(view.model()->rowCount(), 0);
    }

    void cleanupTestCase() { scanLibrary_.reset(); }
};

QTEST_MAIN(TestUiDuplicatesScan)
#include "test_ui_duplicates_scan.moc"
