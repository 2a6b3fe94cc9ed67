// Instruction-mode search (PhotoSearch::search with an instruction) on a real SQLite library
// with the deterministic stand-in model: progress per embedded photo, a stop token checked
// between photos that keeps what was embedded, other searches answered while the model runs,
// instructed vectors keyed by the model's instruct identity, no write for a fully cached
// search, and no crash before anything was indexed.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>
#include <utility>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "test_library_fakes.h"

using namespace abc;

namespace {

constexpr int kDimension = 8;

// The stand-in model with an instruct identity of its own, as ModelPhotoEmbedder has.
class InstructedFake : public test::FakeEmbedder {
  public:
    InstructedFake() : FakeEmbedder(kDimension) {}
    std::string instructionFingerprint() const override {
        return fingerprint() + "|instruct=" + instruct;
    }
    std::string instruct = "adapter-a";
};

SearchRequest instructionRequest(std::size_t topK) {
    SearchRequest request;
    request.query = "a dog";
    request.instruction = "what is on the left?";
    request.topK = topK;
    return request;
}

using Calls = std::vector<std::pair<std::size_t, std::size_t>>;

Calls steps(std::size_t total) {
    Calls calls;
    for (std::size_t i = 1; i <= total; ++i) {
        calls.emplace_back(i, total);
    }
    return calls;
}

}  // namespace

class TestLibraryInstructionSearch : public QObject {
    Q_OBJECT

  private slots:
    void cancelKeepsTheEmbeddedPhotosAndTheNextSearchDoesTheRest() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        InstructedFake embedder;
        test::FakeDecoder decoder;
        constexpr int kPhotos = 12;
        constexpr std::size_t kStopAfter = 5;
        test::recordFakePhotos(store, embedder, decoder, dir, kPhotos);
        PhotoSearch search(store, embedder, decoder);
        const SearchRequest request = instructionRequest(3);

        std::stop_source stop;
        Calls calls;
        const int before = embedder.images();
        QVERIFY_THROWS_EXCEPTION(Cancelled, search.search(
                                                request,
                                                [&](std::size_t done, std::size_t total) {
                                                    calls.emplace_back(done, total);
                                                    if (done == kStopAfter) {
                                                        stop.request_stop();
                                                    }
                                                },
                                                stop.get_token()));
        QCOMPARE(embedder.images() - before, int(kStopAfter));
        Calls firstCalls = steps(kPhotos);
        firstCalls.resize(kStopAfter);
        QCOMPARE(calls, firstCalls);
        const auto instructed = store.findModel(embedder.instructionFingerprint());
        QVERIFY(instructed);
        QCOMPARE(store.vectorCount(*instructed, request.instruction), std::int64_t{kStopAfter});

        calls.clear();
        const auto results = search.search(
            request, [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); });
        QCOMPARE(embedder.images() - before, kPhotos);  // only the rest
        QCOMPARE(calls, steps(kPhotos - kStopAfter));
        QCOMPARE(store.vectorCount(*instructed, request.instruction), std::int64_t{kPhotos});

        // The same ranking as a search that was never interrupted, on a fresh library.
        QTemporaryDir other;
        LibraryStore fresh(other.filePath("lib.sqlite3").toStdString());
        InstructedFake same;
        test::recordFakePhotos(fresh, same, decoder, other, kPhotos);
        PhotoSearch reference(fresh, same, decoder);
        const auto expected = reference.search(request);
        QCOMPARE(results.size(), expected.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].photo, expected[i].photo);
            QCOMPARE(results[i].score, expected[i].score);
        }
    }

    void otherSearchesDoNotWaitForTheModel() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        InstructedFake embedder;
        test::FakeDecoder decoder;
        constexpr int kPhotos = 12;
        test::recordFakePhotos(store, embedder, decoder, dir, kPhotos);
        PhotoSearch search(store, embedder, decoder);
        SearchRequest plain;
        plain.query = "a cat";
        const auto expectedPlain = search.search(plain);
        QCOMPARE(expectedPlain.size(), std::size_t{kPhotos});

        embedder.delayMs = 150;  // ~1.8 s of model time in all
        const int before = embedder.images();
        std::atomic<bool> finished{false};
        std::vector<SearchResult> instructed;
        std::thread slow([&] {
            instructed = search.search(instructionRequest(3));
            finished = true;
        });
        // Wait until the instruction search is in its model loop.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (embedder.images() == before && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        QVERIFY(embedder.images() > before);
        const auto started = std::chrono::steady_clock::now();
        const auto answered = search.search(plain);
        const auto similar = search.searchSimilar(expectedPlain[0].photo, {}, 3);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        const bool stillRunning = !finished.load();
        const int embeddedMeanwhile = embedder.images() - before;
        slow.join();
        QVERIFY2(stillRunning, "the plain search waited for the instruction search");
        qInfo(
            "plain + similar search answered in %.1f ms during an instruction search "
            "(%d of %d photos embedded by then)",
            ms, embeddedMeanwhile, kPhotos);
        QVERIFY(embeddedMeanwhile < kPhotos);
        QCOMPARE(answered.size(), expectedPlain.size());
        for (std::size_t i = 0; i < answered.size(); ++i) {
            QCOMPARE(answered[i].photo, expectedPlain[i].photo);
        }
        QCOMPARE(similar.front().photo, expectedPlain[0].photo);
        QCOMPARE(instructed.size(), std::size_t{3});
        QCOMPARE(embedder.images() - before, kPhotos);
    }

    void instructedVectorsAreKeptPerInstructIdentity() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        InstructedFake embedder;
        test::FakeDecoder decoder;
        constexpr int kPhotos = 6;
        test::recordFakePhotos(store, embedder, decoder, dir, kPhotos);
        const auto request = instructionRequest(2);
        int before = embedder.images();
        {
            PhotoSearch search(store, embedder, decoder);
            search.search(request);
        }
        QCOMPARE(embedder.images() - before, kPhotos);
        const auto plain = store.findModel(embedder.fingerprint());
        const auto first = store.findModel(embedder.instructionFingerprint());
        QVERIFY(plain && first && *plain != *first);
        QCOMPARE(store.vectorCount(*plain, request.instruction), std::int64_t{0});
        QCOMPARE(store.vectorCount(*first, request.instruction), std::int64_t{kPhotos});

        // Another instruct adapter, same plain model: the plain vectors serve, the instructed
        // ones are computed again and kept apart.
        embedder.instruct = "adapter-b";
        before = embedder.images();
        {
            PhotoSearch search(store, embedder, decoder);
            QCOMPARE(search.indexedPhotos(), std::size_t{kPhotos});
            search.search(request);
        }
        QCOMPARE(embedder.images() - before, kPhotos);
        const auto second = store.findModel(embedder.instructionFingerprint());
        QVERIFY(second && *second != *first && *second != *plain);
        QCOMPARE(store.vectorCount(*second, request.instruction), std::int64_t{kPhotos});
        QCOMPARE(store.vectorCount(*first, request.instruction), std::int64_t{kPhotos});

        // Back to the first adapter: its vectors are still there.
        embedder.instruct = "adapter-a";
        before = embedder.images();
        PhotoSearch search(store, embedder, decoder);
        search.search(request);
        QCOMPARE(embedder.images() - before, 0);
    }

    void aCachedSearchWritesNothing() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        InstructedFake embedder;
        test::FakeDecoder decoder;
        test::recordFakePhotos(store, embedder, decoder, dir, 5);
        PhotoSearch search(store, embedder, decoder);
        const auto first = search.search(instructionRequest(5));
        const auto version = store.dataVersion();
        const int before = embedder.images();
        bool reported = false;
        const auto second = search.search(instructionRequest(5),
                                          [&](std::size_t, std::size_t) { reported = true; });
        QCOMPARE(embedder.images(), before);
        QVERIFY(!reported);
        QCOMPARE(store.dataVersion(), version);
        QCOMPARE(second.size(), first.size());
        QCOMPARE(second.front().photo, first.front().photo);
        // putVectors without rows is no write either.
        store.putVectors(*store.findModel(embedder.fingerprint()), "x", {});
        QCOMPARE(store.dataVersion(), version);
    }

    void nothingIndexedYetGivesNoResults() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        InstructedFake embedder;
        test::FakeDecoder decoder;
        PhotoSearch search(store, embedder, decoder);
        QVERIFY(search.search(instructionRequest(3)).empty());
        SearchRequest plain;
        plain.query = "a cat";
        QVERIFY(search.search(plain).empty());
        QCOMPARE(embedder.images(), 0);
        QVERIFY(!store.findModel(embedder.fingerprint()));
        QVERIFY(!store.findModel(embedder.instructionFingerprint()));
    }
};

QTEST_GUILESS_MAIN(TestLibraryInstructionSearch)
#include "test_library_instruction_search.moc"
