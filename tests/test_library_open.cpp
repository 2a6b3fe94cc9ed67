// Opening a library: PhotoSearch's first look reads every vector in one go
// (LibraryStore::loadVectors) instead of row by row, on a real SQLite file. The answers are
// those of a brute-force ranking over the stored vectors, progress is reported while the rows
// are read, and writes after the load (new rows, rewritten rows, deleted photos, rows another
// connection writes) still reach the matrix through the incremental path.
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>

#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "test_library_fakes.h"

using namespace abc;

namespace {

constexpr int kDimension = 32;
constexpr int kPhotos = 9000;  // a few progress steps (one per 4096 rows)

std::vector<float> vectorOf(int i) {
    return test::seededUnitVector(static_cast<std::uint64_t>(i) * 2654435761u + 1, kDimension);
}

PhotoId addPhoto(LibraryStore& store, int i) {
    PhotoFacts facts;
    facts.contentHash = "h" + std::to_string(i);
    facts.mediaType = "jpeg";
    return store.recordFile({"/photos/p" + std::to_string(i) + ".jpg", 1, 1}, facts);
}

// The best `k` photos for `query` by an exact dot product over what the store holds.
std::vector<PhotoId> bruteForce(LibraryStore& store, std::int64_t model,
                                const std::vector<float>& query, std::size_t k) {
    std::vector<std::pair<float, PhotoId>> scored;
    for (const PhotoId id : store.vectorPhotoIds(model, "")) {
        const auto v = *store.vector(id, model, "");
        float s = 0;
        for (int d = 0; d < kDimension; ++d) {
            s += v[d] * query[d];
        }
        scored.emplace_back(-s, id);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<PhotoId> best;
    for (std::size_t i = 0; i < std::min(k, scored.size()); ++i) {
        best.push_back(scored[i].second);
    }
    return best;
}

std::vector<PhotoId> photosOf(const std::vector<SearchResult>& results) {
    std::vector<PhotoId> ids;
    for (const auto& r : results) {
        ids.push_back(r.photo);
    }
    return ids;
}

}  // namespace

class TestLibraryOpen : public QObject {
    Q_OBJECT

  private slots:
    void theFirstSearchLoadsEveryVectorAtOnce() {
        QTemporaryDir dir;
        const std::string db = dir.filePath("library.sqlite3").toStdString();
        test::FakeEmbedder embedder(kDimension);
        test::FakeDecoder decoder;
        std::map<int, PhotoId> ids;
        std::int64_t model = 0;
        {
            LibraryStore store(db);
            model = store.modelId(embedder.fingerprint(), kDimension);
            std::vector<LibraryStore::VectorRow> rows;
            // Written out of photo order, so the load's ORDER BY is what sorts the matrix.
            for (int i = kPhotos - 1; i >= 0; --i) {
                ids[i] = addPhoto(store, i);
            }
            for (int i = 0; i < kPhotos; ++i) {
                rows.push_back({ids[(i * 7) % kPhotos], vectorOf((i * 7) % kPhotos)});
            }
            store.putVectors(model, "", rows);
        }

        LibraryStore store(db);
        PhotoSearchOptions exact;
        exact.approximateIndexRows = 0;
        PhotoSearch search(store, embedder, decoder, exact);
        std::vector<std::pair<std::size_t, std::size_t>> progress;
        search.setLoadProgress(
            [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });
        const auto query = vectorOf(123456);
        const auto results = search.searchByVector(query, {}, 20);
        QCOMPARE(search.indexedPhotos(), std::size_t(kPhotos));
        QCOMPARE(photosOf(results), bruteForce(store, model, query, 20));
        // Reported while reading, rising, ending at all of them; and only on the first load.
        QVERIFY2(progress.size() >= 3, "expected a report every 4096 rows and one at the end");
        for (std::size_t i = 1; i < progress.size(); ++i) {
            QVERIFY(progress[i].first > progress[i - 1].first);
        }
        QCOMPARE(progress.back(), std::make_pair(std::size_t(kPhotos), std::size_t(kPhotos)));
        QCOMPARE(progress.front().second, std::size_t(kPhotos));

        // After the load: a new photo, a rewritten vector, a deleted photo, through another
        // connection (as the indexer in another process writes).
        const std::size_t reports = progress.size();
        const PhotoId rewritten = results.front().photo;
        const PhotoId removed = results[1].photo;
        {
            LibraryStore other(db);
            const PhotoId added = addPhoto(other, kPhotos);
            auto near = query;  // the query itself: must come first
            other.putVectors(model, "", {{added, near}});
            other.putVectors(model, "", {{rewritten, vectorOf(999999)}});
            const auto files = other.photo(removed)->files;
            other.removeFiles({files.front().path});
        }
        const auto after = search.searchByVector(query, {}, 20);
        QCOMPARE(search.indexedPhotos(), std::size_t(kPhotos));  // one added, one removed
        QCOMPARE(photosOf(after), bruteForce(store, model, query, 20));
        QCOMPARE(after.front().path, "/photos/p" + std::to_string(kPhotos) + ".jpg");
        QVERIFY(std::none_of(after.begin(), after.end(),
                             [&](const SearchResult& r) { return r.photo == removed; }));
        QCOMPARE(progress.size(), reports);
    }

    void anEmptyLibraryThenItsFirstVectors() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("library.sqlite3").toStdString());
        test::FakeEmbedder embedder(kDimension);
        test::FakeDecoder decoder;
        const auto model = store.modelId(embedder.fingerprint(), kDimension);
        PhotoSearch search(store, embedder, decoder);
        QVERIFY(search.searchByVector(vectorOf(1), {}, 5).empty());
        const PhotoId id = addPhoto(store, 1);
        store.putVectors(model, "", {{id, vectorOf(1)}});
        const auto results = search.searchByVector(vectorOf(1), {}, 5);
        QCOMPARE(results.size(), std::size_t(1));
        QCOMPARE(results.front().photo, id);
    }

    void loadVectorsReportsTheLastRow() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("library.sqlite3").toStdString());
        const auto model = store.modelId("m", kDimension);
        for (int i = 0; i < 5; ++i) {
            store.putVectors(model, "", {{addPhoto(store, i), vectorOf(i)}});
        }
        std::int64_t lastRow = 0;
        const auto all = store.vectorsAfter(model, "", 0, lastRow);
        const auto loaded = store.loadVectors(model, "");
        QCOMPARE(loaded.lastRow, lastRow);
        QCOMPARE(loaded.ids.size(), std::size_t(5));
        QCOMPARE(loaded.values.size(), std::size_t(5 * kDimension));
        QVERIFY(std::is_sorted(loaded.ids.begin(), loaded.ids.end()));
        QCOMPARE(store.loadVectors(model, "x").lastRow, std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestLibraryOpen)
#include "test_library_open.moc"
