// The status bar's library-load indicator: fed by the search worker while a search's first
// look at a library reads its vectors (a real SQLite file, a few thousand rows), shown while
// rows are read and hidden once all are in; the main window carries it.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "test_library_fakes.h"
#include "tests/support/ui_test_setup.h"
#include "ui/engine_session.h"
#include "ui/library_load_indicator.h"
#include "ui/main_window.h"
#include "ui/search_worker.h"

using namespace abc;

class TestUiLibraryLoad : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { test::useOwnApplicationSettings(QStringLiteral("test_ui_library_load")); }

    void shownWhileRowsAreReadHiddenOnceAllAreIn() {
        ui::LibraryLoadIndicator indicator;
        QVERIFY(indicator.isHidden());
        indicator.setLoaded(4096, 10000);
        QVERIFY(!indicator.isHidden());
        QCOMPARE(indicator.value(), 4096);
        QCOMPARE(indicator.maximum(), 10000);
        indicator.setLoaded(10000, 10000);
        QVERIFY(indicator.isHidden());
    }

    void theSearchWorkerReportsTheFirstLoad() {
        QTemporaryDir dir;
        constexpr int kPhotos = 9000;
        auto session = std::make_shared<ui::EngineSession>();
        session->store =
            std::make_shared<LibraryStore>(dir.filePath("library.sqlite3").toStdString());
        session->decoder = std::make_shared<test::FakeDecoder>();
        auto embedder = std::make_shared<test::FakeEmbedder>(16);
        session->embedder = embedder;
        const auto model = session->store->modelId(embedder->fingerprint(), 16);
        std::vector<LibraryStore::VectorRow> rows;
        for (int i = 0; i < kPhotos; ++i) {
            PhotoFacts facts;
            facts.contentHash = "h" + std::to_string(i);
            facts.mediaType = "jpeg";
            const PhotoId id =
                session->store->recordFile({"/photos/p" + std::to_string(i) + ".jpg", 1, 1}, facts);
            rows.push_back({id, test::seededUnitVector(static_cast<std::uint64_t>(i) + 1, 16)});
        }
        session->store->putVectors(model, "", rows);
        session->search =
            std::make_shared<PhotoSearch>(*session->store, *session->embedder, *session->decoder);

        ui::SearchWorker worker;
        worker.setSession(session);
        ui::LibraryLoadIndicator indicator;
        QObject::connect(&worker, &ui::SearchWorker::libraryLoading, &indicator,
                         &ui::LibraryLoadIndicator::setLoaded);
        std::vector<bool> shown;
        QObject::connect(&worker, &ui::SearchWorker::libraryLoading, &indicator,
                         [&] { shown.push_back(!indicator.isHidden()); });
        QSignalSpy loading(&worker, &ui::SearchWorker::libraryLoading);
        QSignalSpy finished(&worker, &ui::SearchWorker::finished);
        ui::SearchQuery query;
        query.kind = ui::SearchQuery::Kind::Similar;
        query.path = QStringLiteral("/photos/p7.jpg");
        query.topK = 5;
        worker.run(1, query);
        QCOMPARE(finished.count(), 1);
        QVERIFY2(loading.count() >= 3, "a report every 4096 rows and one at the end");
        QCOMPARE(loading.last().at(0).toInt(), kPhotos);
        QCOMPARE(loading.last().at(1).toInt(), kPhotos);
        QVERIFY(shown.front());
        QVERIFY(!shown.back());
        QVERIFY(indicator.isHidden());

        // The library is in memory now: a second search reads nothing again.
        worker.run(2, query);
        QCOMPARE(finished.count(), 2);
        QCOMPARE(loading.count(), static_cast<qsizetype>(shown.size()));
    }

    void theMainWindowCarriesIt() {
        ui::MainWindow window;
        auto* indicator = test::findNamed<ui::LibraryLoadIndicator>(window, "libraryLoadProgress");
        QVERIFY(indicator->isHidden());
    }
};

QTEST_MAIN(TestUiLibraryLoad)
#include "test_ui_library_load.moc"
