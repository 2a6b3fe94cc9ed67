// Search math: combined-query parsing, exact top-k against brute force, filters, keeping the
// in-memory matrix in step with the store, near duplicates, the approximate index and the
// experiment matrix.
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>

#include "core/io/error.h"
#include "core/library/approximate_index.h"
#include "core/library/combined_query.h"
#include "core/library/duplicate_listing.h"
#include "core/library/embedding_matrix.h"
#include "core/library/library_store.h"
#include "core/library/near_duplicates.h"
#include "core/library/photo_search.h"
#include "support/counting_embedder.h"
#include "test_library_fakes.h"

using namespace abc;

namespace {

std::vector<float> randomMatrix(std::size_t rows, int dimension, std::uint64_t seed) {
    std::vector<float> values;
    for (std::size_t r = 0; r < rows; ++r) {
        const auto v = test::seededUnitVector(seed + r, dimension);
        values.insert(values.end(), v.begin(), v.end());
    }
    return values;
}

std::vector<ScoredPhoto> bruteForce(const EmbeddingMatrix& m, const std::vector<float>& q,
                                    std::size_t k) {
    std::vector<ScoredPhoto> all;
    for (std::size_t r = 0; r < m.size(); ++r) {
        double s = 0;
        for (int d = 0; d < m.dimension(); ++d) {
            s += double(m.row(r)[d]) * q[d];
        }
        all.push_back({m.ids()[r], static_cast<float>(s)});
    }
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.score > b.score; });
    all.resize(std::min(k, all.size()));
    return all;
}

}  // namespace

class TestLibrarySearch : public QObject {
    Q_OBJECT

  private slots:
    void parsesCombinedQueries() {
        auto terms = parseCombinedQuery("beach + sunset - people");
        QCOMPARE(terms.size(), std::size_t{3});
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("beach"));
        QCOMPARE(terms[1].weight, 1.0);
        QCOMPARE(QString::fromStdString(terms[2].text), QStringLiteral("people"));
        QCOMPARE(terms[2].weight, -1.0);

        terms = parseCombinedQuery("2:cat - 0.5:dog");
        QCOMPARE(terms.size(), std::size_t{2});
        QCOMPARE(terms[0].weight, 2.0);
        QCOMPARE(terms[1].weight, -0.5);
        QCOMPARE(QString::fromStdString(terms[1].text), QStringLiteral("dog"));

        terms = parseCombinedQuery("a black-and-white t-shirt on a chair");
        QCOMPARE(terms.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(terms[0].text),
                 QStringLiteral("a black-and-white t-shirt on a chair"));

        terms = parseCombinedQuery("\"salt + pepper\" + image:\"/my photos/a.jpg\" - 3:x");
        QCOMPARE(terms.size(), std::size_t{3});
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("salt + pepper"));
        QVERIFY(terms[1].kind == QueryTerm::Kind::Image);
        QCOMPARE(QString::fromStdString(terms[1].text), QStringLiteral("/my photos/a.jpg"));
        QCOMPARE(terms[2].weight, -3.0);

        terms = parseCombinedQuery("- people");
        QCOMPARE(terms.size(), std::size_t{1});
        QCOMPARE(terms[0].weight, -1.0);
        terms = parseCombinedQuery("time: 10:30");  // not a number before ':': plain text
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("time: 10:30"));

        QVERIFY_THROWS_EXCEPTION(Error, parseCombinedQuery("   "));
        QVERIFY_THROWS_EXCEPTION(Error, parseCombinedQuery("cat + "));
        QVERIFY_THROWS_EXCEPTION(Error, parseCombinedQuery("cat + + dog"));
        QVERIFY_THROWS_EXCEPTION(Error, parseCombinedQuery("1.2.3:cat"));
        // A quote without its pair is literal text (12" records), never a syntax error.
        terms = parseCombinedQuery("a 12\" vinyl record");
        QCOMPARE(terms.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("a 12\" vinyl record"));
        terms = parseCombinedQuery("\"open quote - dog");
        QCOMPARE(terms.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("\"open quote"));
        QCOMPARE(terms[1].weight, -1.0);
        terms = parseCombinedQuery("12\" and 7\" singles");  // paired, but not around a term
        QCOMPARE(terms.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(terms[0].text), QStringLiteral("12\" and 7\" singles"));
    }

    void topKMatchesBruteForce() {
        const int dimension = 67;  // not a multiple of the SIMD width
        const std::size_t rows = 9000;
        std::vector<PhotoId> ids(rows);
        for (std::size_t i = 0; i < rows; ++i) {
            ids[i] = static_cast<PhotoId>(i * 3 + 1);
        }
        EmbeddingMatrix matrix;
        matrix.reset(dimension, ids, randomMatrix(rows, dimension, 7));
        for (int q = 0; q < 5; ++q) {
            const auto query = test::seededUnitVector(1000000 + q, dimension);
            const auto expected = bruteForce(matrix, query, 10);
            for (int threads : {1, 2, 3}) {
                // Exact float scan, then the int8 candidate scan with float re-ranking.
                const auto got = matrix.exactTopK(query, 10, {}, threads);
                const auto twoStage = matrix.topK(query, 10, {}, threads);
                QCOMPARE(twoStage.size(), expected.size());
                for (std::size_t i = 0; i < got.size(); ++i) {
                    QCOMPARE(twoStage[i].photo, expected[i].photo);
                    QCOMPARE(twoStage[i].score, got[i].score);
                }
                QCOMPARE(got.size(), expected.size());
                for (std::size_t i = 0; i < got.size(); ++i) {
                    QCOMPARE(got[i].photo, expected[i].photo);
                    QVERIFY(std::abs(got[i].score - expected[i].score) < 1e-5f);
                }
            }
        }
        // A filter skips rows; k larger than the rows returns them all, best first.
        const auto query = test::seededUnitVector(5, dimension);
        const auto odd = matrix.topK(query, 20, [](PhotoId id) { return id % 2 == 1; });
        for (const auto& hit : odd) {
            QCOMPARE(hit.photo % 2, PhotoId{1});
        }
        EmbeddingMatrix small;
        small.reset(dimension, {1, 2}, randomMatrix(2, dimension, 3));
        const auto both = small.topK(query, 10);
        QCOMPARE(both.size(), std::size_t{2});
        QVERIFY(both[0].score >= both[1].score);
        QVERIFY_THROWS_EXCEPTION(Error, small.topK(std::vector<float>(3), 1));
    }

    void upsertAndRemoveKeepRowsInOrder() {
        EmbeddingMatrix matrix(2);
        matrix.upsert(5, std::vector<float>{1, 0});
        matrix.upsert(2, std::vector<float>{0, 1});
        matrix.upsert(9, std::vector<float>{0.6f, 0.8f});
        matrix.upsert(2, std::vector<float>{-1, 0});
        QCOMPARE(matrix.ids(), (std::vector<PhotoId>{2, 5, 9}));
        QCOMPARE(matrix.row(0)[0], -1.0f);
        matrix.remove(5);
        QCOMPARE(matrix.ids(), (std::vector<PhotoId>{2, 9}));
        QCOMPARE(matrix.row(1)[1], 0.8f);
        QCOMPARE(matrix.indexOf(5), std::ptrdiff_t{-1});
    }

    void nearDuplicatePairsAboveThreshold() {
        EmbeddingMatrix matrix(2);
        matrix.upsert(1, std::vector<float>{1, 0});
        matrix.upsert(2, std::vector<float>{0.999f, 0.0447f});
        matrix.upsert(3, std::vector<float>{0, 1});
        matrix.upsert(4, std::vector<float>{0.6f, 0.8f});
        const auto pairs = findNearDuplicates(matrix, 0.95f);
        QCOMPARE(pairs.size(), std::size_t{1});
        QCOMPARE(pairs[0].first, PhotoId{1});
        QCOMPARE(pairs[0].second, PhotoId{2});
        QCOMPARE(findNearDuplicates(matrix, 0.5f).size(), std::size_t{4});
    }

    void approximateIndexFindsTheNeighbours() {
        // Clustered data (like real embeddings), where an IVF index is meaningful.
        const int dimension = 64;
        const std::size_t rows = 4000;
        std::mt19937 rng(11);
        std::normal_distribution<float> noise(0.0f, 0.05f);
        std::vector<float> values;
        std::vector<PhotoId> ids;
        for (std::size_t r = 0; r < rows; ++r) {
            auto v = test::seededUnitVector(r % 40, dimension);
            for (auto& x : v) {
                x += noise(rng);
            }
            float norm = 0;
            for (auto x : v)
                norm += x * x;
            for (auto& x : v)
                x /= std::sqrt(norm);
            values.insert(values.end(), v.begin(), v.end());
            ids.push_back(static_cast<PhotoId>(r + 1));
        }
        EmbeddingMatrix matrix;
        matrix.reset(dimension, ids, values);
        ApproximateIndex index;
        ApproximateIndex::Options options;
        options.searchBreadth = 64;
        options.rerank = 50;
        index.build(matrix, options);
        QCOMPARE(index.size(), rows);
        double hits = 0;
        for (int q = 0; q < 20; ++q) {
            const auto query =
                std::vector<float>(matrix.row(q * 97).begin(), matrix.row(q * 97).end());
            const auto exact = matrix.topK(query, 10);
            const auto approx = index.topK(query, 10);
            for (const auto& e : exact) {
                hits += std::any_of(approx.begin(), approx.end(),
                                    [&](auto& a) { return a.photo == e.photo; });
            }
        }
        const double recall = hits / 200.0;
        QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
    }

    void searchRanksFiltersAndFollowsTheStore() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder(16);
        test::FakeDecoder decoder;
        const auto model = store.modelId(embedder.fingerprint(), 16);
        // Photo vectors equal to the text vectors of their names, so ranking is predictable.
        const std::vector<std::string> words = {"beach", "sunset", "people", "cat", "dog"};
        for (std::size_t i = 0; i < words.size(); ++i) {
            PhotoFacts facts;
            facts.contentHash = words[i];
            facts.mediaType = i < 3 ? "jpeg" : "png";
            facts.takenAt = "2020-0" + std::to_string(i + 1) + "-15 10:00:00";
            const std::string folder = i < 3 ? "/lib/holiday/" : "/lib/pets/";
            const PhotoId id = store.recordFile({folder + words[i] + ".jpg", 1, 1}, facts);
            store.putVectors(model, "", {{id, embedder.embedText(words[i])}});
        }
        PhotoSearch search(store, embedder, decoder);
        SearchRequest request;
        request.query = "cat";
        request.topK = 3;
        auto results = search.search(request);
        QCOMPARE(results.size(), std::size_t{3});
        QCOMPARE(QString::fromStdString(results[0].path), QStringLiteral("/lib/pets/cat.jpg"));
        QVERIFY(std::abs(results[0].score - 1.0f) < 1e-5f);

        // beach + sunset - people: the query is the normalised sum; both positives beat "people".
        request.query = "beach + sunset - people";
        request.topK = 5;
        results = search.search(request);
        QVERIFY(results[0].path.find("beach") != std::string::npos ||
                results[0].path.find("sunset") != std::string::npos);
        QCOMPARE(QString::fromStdString(results.back().path),
                 QStringLiteral("/lib/holiday/people.jpg"));
        auto expected = embedder.embedText("beach");
        const auto sunset = embedder.embedText("sunset");
        const auto people = embedder.embedText("people");
        double norm = 0;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            expected[i] += sunset[i] - people[i];
            norm += double(expected[i]) * expected[i];
        }
        const auto query = search.queryVector(parseCombinedQuery(request.query));
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QVERIFY(std::abs(query[i] - expected[i] / std::sqrt(norm)) < 1e-5);
        }

        request.query = "cat";
        request.filter.folders = {"/lib/holiday"};
        results = search.search(request);
        QCOMPARE(results.size(), std::size_t{3});
        for (const auto& r : results) {
            QVERIFY(r.path.rfind("/lib/holiday/", 0) == 0);
        }
        request.filter = {};
        request.filter.mediaTypes = {"png"};
        QCOMPARE(search.search(request).size(), std::size_t{2});
        request.filter = {};
        request.filter.takenFrom = "2020-02-01";
        request.filter.takenUntil = "2020-03-31";
        results = search.search(request);
        QCOMPARE(results.size(), std::size_t{2});

        // Another connection writes: the next search sees the new photo without a reload call.
        {
            LibraryStore other(store.path());
            PhotoFacts facts;
            facts.contentHash = "kitten";
            facts.mediaType = "jpeg";
            const PhotoId id = other.recordFile({"/lib/pets/kitten.jpg", 1, 1}, facts);
            other.putVectors(model, "", {{id, embedder.embedText("cat")}});
            other.removeFiles({"/lib/pets/dog.jpg"});
        }
        request.filter = {};
        request.topK = 10;
        results = search.search(request);
        QCOMPARE(results.size(), std::size_t{5});
        QVERIFY(std::abs(results[1].score - 1.0f) < 1e-5f);
        QVERIFY(std::none_of(results.begin(), results.end(),
                             [](auto& r) { return r.path.find("dog") != std::string::npos; }));
        QCOMPARE(search.nearDuplicates(0.999f).size(), std::size_t{1});
    }

    void instructionModeCachesPerPhotoAndInstruction() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder(8);
        test::FakeDecoder decoder;
        const auto model = store.modelId(embedder.fingerprint(), 8);
        test::recordFakePhotos(store, embedder, decoder, dir, 4,
                               [](int i) { return QByteArray::number(i * 1234567); });
        PhotoSearch search(store, embedder, decoder);
        SearchRequest request;
        request.query = "a dog";
        request.instruction = "what is on the left?";
        request.topK = 2;
        const int before = embedder.images();
        const auto first = search.search(request);
        QCOMPARE(first.size(), std::size_t{2});
        QCOMPARE(embedder.images() - before, 4);  // every candidate embedded once
        QCOMPARE(store.vectorCount(model, request.instruction), std::int64_t{4});
        const auto second = search.search(request);
        QCOMPARE(embedder.images() - before, 4);  // cached
        QCOMPARE(second[0].photo, first[0].photo);
        // The score is the instructed image vector against the query text.
        const auto instructed = *store.vector(first[0].photo, model, request.instruction);
        const auto text = embedder.embedText("a dog");
        float dot = 0;
        for (int i = 0; i < 8; ++i)
            dot += instructed[i] * text[i];
        QVERIFY(std::abs(dot - first[0].score) < 1e-5f);
    }

    // A text query asked again, here by another process opening the library, takes its
    // vector from the library: the model runs zero times, the results are the same. The cache
    // holds one model's vectors (another fingerprint's drops them) and is bounded.
    void repeatedQueryTakesItsVectorFromTheLibrary() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        test::FakeEmbedder model(8);
        test::FakeDecoder decoder;
        SearchRequest request;
        request.query = "a dog + 0.5 a cat";
        request.topK = 3;
        std::vector<SearchResult> first;
        {
            LibraryStore store(path);
            test::recordFakePhotos(store, model, decoder, dir, 5);
            test::CountingEmbedder counting(model);
            PhotoSearch search(store, counting, decoder);
            first = search.search(request);
            QCOMPARE(counting.texts(), 2);  // "a dog" and "a cat"
            QCOMPARE(store.cachedQueryVectorCount(), std::int64_t{2});
        }
        LibraryStore store(path);
        test::CountingEmbedder counting(model);
        PhotoSearch search(store, counting, decoder);
        const auto second = search.search(request);
        QCOMPARE(counting.texts(), 0);
        QCOMPARE(second.size(), first.size());
        for (std::size_t i = 0; i < first.size(); ++i) {
            QCOMPARE(second[i].photo, first[i].photo);
            QCOMPARE(second[i].score, first[i].score);
        }
        request.query = "a bird";
        search.search(request);
        QCOMPARE(counting.texts(), 1);  // a new text runs the model once

        // Another model: the first one's vectors answer none of its queries.
        store.cacheQueryVector("another-model", "a dog", std::vector<float>(8, 0.0f));
        QVERIFY(!store.cachedQueryVector(model.fingerprint(), "a dog"));
        QCOMPARE(store.cachedQueryVectorCount(), std::int64_t{1});

        // Bounded: the queries stored longest ago go first; a query stored again is the newest.
        const std::size_t limit = LibraryStore::kCachedQueryVectors;
        for (std::size_t i = 0; i < limit + 5; ++i) {
            store.cacheQueryVector("another-model", "query " + std::to_string(i),
                                   std::vector<float>(8, static_cast<float>(i)));
            if (i == limit - 2) {
                store.cacheQueryVector("another-model", "query 0", std::vector<float>(8, 0.0f));
            }
        }
        QCOMPARE(store.cachedQueryVectorCount(), static_cast<std::int64_t>(limit));
        QVERIFY(store.cachedQueryVector("another-model", "query 0"));
        QVERIFY(!store.cachedQueryVector("another-model", "query 1"));
        QVERIFY(!store.cachedQueryVector("another-model", "query 5"));
        QVERIFY(store.cachedQueryVector("another-model", "query 6"));
        const auto newest =
            store.cachedQueryVector("another-model", "query " + std::to_string(limit + 4));
        QVERIFY(newest);
        QCOMPARE(newest->at(0), static_cast<float>(limit + 4));
    }

    // The search reports its own time: the same results as search(), and the model's share
    // (here 30 ms per instructed photo) charged to the model, not to the ranking.
    void timedSearchSplitsModelAndRanking() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder(8);
        test::FakeDecoder decoder;
        test::recordFakePhotos(store, embedder, decoder, dir, 4);
        PhotoSearch search(store, embedder, decoder);
        SearchRequest request;
        request.query = "a dog";
        request.topK = 3;
        const auto plain = search.searchTimed(request, {}, {});
        QCOMPARE(plain.results.size(), std::size_t{3});
        const auto again = search.search(request);
        for (std::size_t i = 0; i < again.size(); ++i) {
            QCOMPARE(plain.results[i].photo, again[i].photo);
        }
        QVERIFY(plain.timings.embedSeconds >= 0.0);
        QVERIFY(plain.timings.rankSeconds >= 0.0);

        request.instruction = "what is on the left?";
        embedder.delayMs = 30;
        const auto instructed = search.searchTimed(request, {}, {});
        QCOMPARE(instructed.results.size(), std::size_t{3});
        QVERIFY2(instructed.timings.embedSeconds >= 4 * 0.030,
                 qPrintable(QString::number(instructed.timings.embedSeconds)));
        QVERIFY2(instructed.timings.rankSeconds < instructed.timings.embedSeconds,
                 qPrintable(QString::number(instructed.timings.rankSeconds)));
    }

    // The listing both front ends show: identical copies first (one photo, two paths), then
    // the vector pairs; the search (and the model a CLI loads for it) only when there is room.
    void duplicatesListingPutsIdenticalCopiesFirst() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        test::FakeEmbedder embedder(8);
        test::FakeDecoder decoder;
        const auto model = store.modelId(embedder.fingerprint(), 8);
        PhotoFacts facts;
        facts.mediaType = "jpeg";
        facts.contentHash = "a";
        const PhotoId a = store.recordFile({"/p/a.jpg", 1, 1}, facts);
        store.recordFile({"/p/copy-of-a.jpg", 1, 1}, facts);
        facts.contentHash = "b";
        const PhotoId b = store.recordFile({"/p/b.jpg", 1, 1}, facts);
        facts.contentHash = "c";
        const PhotoId c = store.recordFile({"/p/c.jpg", 1, 1}, facts);
        store.putVectors(model, "",
                         {{a, embedder.embedText("same")},
                          {b, embedder.embedText("same")},
                          {c, embedder.embedText("other")}});
        PhotoSearch search(store, embedder, decoder);
        int asked = 0;
        const auto searchWhenNeeded = [&]() -> PhotoSearch& {
            ++asked;
            return search;
        };
        auto listed = listDuplicates(store, searchWhenNeeded, 0.999f, 10);
        QCOMPARE(listed.size(), std::size_t{2});
        QVERIFY(listed[0].identical);
        QCOMPARE(QString::fromStdString(listed[0].first), QStringLiteral("/p/a.jpg"));
        QCOMPARE(QString::fromStdString(listed[0].second), QStringLiteral("/p/copy-of-a.jpg"));
        QCOMPARE(listed[0].similarity, 1.0f);
        QVERIFY(!listed[1].identical);
        QCOMPARE(QString::fromStdString(listed[1].first), QStringLiteral("/p/a.jpg"));
        QCOMPARE(QString::fromStdString(listed[1].second), QStringLiteral("/p/b.jpg"));
        QVERIFY(std::abs(listed[1].similarity - 1.0f) < 1e-5f);
        QCOMPARE(asked, 1);

        listed = listDuplicates(store, searchWhenNeeded, 0.999f, 1);
        QCOMPARE(listed.size(), std::size_t{1});
        QVERIFY(listed[0].identical);
        QCOMPARE(asked, 1);  // the copies filled the list
    }

    void experimentMatrixIsInstructionsByCandidates() {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.jpg");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("pixels");
        f.close();
        test::FakeEmbedder embedder(8);
        test::FakeDecoder decoder;
        const auto m = compareInstructions(embedder, decoder, path.toStdString(),
                                           {"left?", "right?", ""}, {"a dog", "a cat"});
        QCOMPARE(m.values.size(), std::size_t{6});
        const auto patches = decoder.preprocess(path.toStdString());
        const auto right = embedder.embedImages({patches}, "right?")[0];
        const auto cat = embedder.embedText("a cat");
        float dot = 0;
        for (int i = 0; i < 8; ++i)
            dot += right[i] * cat[i];
        QVERIFY(std::abs(m.at(1, 1) - dot) < 1e-6f);
        QVERIFY(m.at(0, 0) != m.at(1, 0));
    }
};

QTEST_GUILESS_MAIN(TestLibrarySearch)
#include "test_library_search.moc"
