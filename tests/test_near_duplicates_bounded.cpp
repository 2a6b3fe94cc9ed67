// Near-duplicate pairs: with far more pairs above the threshold than asked for, the best
// maxPairs are kept, in order, equal to a brute-force double-precision ranking across several
// row blocks; rows gone before their block is read are left out; a stop request ends the scan
// (abc::Cancelled); and PhotoSearch keeps answering searches while a scan runs.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <thread>

#include "core/io/error.h"
#include "core/library/embedding_matrix.h"
#include "core/library/library_store.h"
#include "core/library/near_duplicates.h"
#include "core/library/photo_search.h"
#include "test_library_fakes.h"

using namespace abc;

namespace {

void normalizeRow(float* row, std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += double(row[i]) * row[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        row[i] = static_cast<float>(row[i] / std::sqrt(sum));
    }
}

// Tight clusters: thousands of pairs above 0.9, spread over every block.
EmbeddingMatrix clusteredMatrix(std::size_t rows, int dimension, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    const auto d = static_cast<std::size_t>(dimension);
    const std::size_t clusters = 40;
    std::vector<float> centres(clusters * d);
    for (auto& x : centres) {
        x = normal(rng);
    }
    std::vector<float> values(rows * d);
    std::vector<PhotoId> ids(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t c = (r * 7) % clusters;  // members of a cluster in every block
        for (std::size_t x = 0; x < d; ++x) {
            values[r * d + x] = centres[c * d + x] + 0.25f * normal(rng);
        }
        normalizeRow(values.data() + r * d, d);
        ids[r] = static_cast<PhotoId>(2 * r + 5);
    }
    EmbeddingMatrix matrix;
    matrix.reset(dimension, ids, values);
    return matrix;
}

struct ReferencePair {
    double similarity;
    PhotoId first;
    PhotoId second;
};

std::vector<ReferencePair> bruteForcePairs(const EmbeddingMatrix& m, double threshold,
                                           const std::function<bool(PhotoId)>& keep = {}) {
    std::vector<ReferencePair> pairs;
    const auto d = static_cast<std::size_t>(m.dimension());
    for (std::size_t i = 0; i < m.size(); ++i) {
        for (std::size_t j = i + 1; j < m.size(); ++j) {
            if (keep && (!keep(m.ids()[i]) || !keep(m.ids()[j]))) {
                continue;
            }
            double s = 0;
            for (std::size_t x = 0; x < d; ++x) {
                s += double(m.row(i)[x]) * m.row(j)[x];
            }
            if (s >= threshold) {
                pairs.push_back({s, m.ids()[i], m.ids()[j]});
            }
        }
    }
    std::sort(pairs.begin(), pairs.end(),
              [](auto& a, auto& b) { return a.similarity > b.similarity; });
    return pairs;
}

// Equal to the reference: same similarity at every rank, and the same pair wherever the
// reference's neighbours are not within float rounding of each other.
void compareWithReference(const std::vector<DuplicatePair>& got,
                          const std::vector<ReferencePair>& reference, std::size_t maxPairs) {
    QCOMPARE(got.size(), std::min(maxPairs, reference.size()));
    for (std::size_t i = 0; i < got.size(); ++i) {
        QVERIFY(got[i].first < got[i].second);
        if (i > 0) {
            QVERIFY(got[i - 1].similarity >= got[i].similarity);
        }
        QVERIFY2(std::abs(got[i].similarity - reference[i].similarity) < 1e-5,
                 qPrintable(QString("rank %1: %2 vs %3")
                                .arg(i)
                                .arg(got[i].similarity)
                                .arg(reference[i].similarity)));
        const bool apartBefore =
            i == 0 || reference[i - 1].similarity - reference[i].similarity > 2e-5;
        const bool apartAfter = i + 1 >= reference.size() ||
                                reference[i].similarity - reference[i + 1].similarity > 2e-5;
        if (apartBefore && apartAfter) {
            QCOMPARE(got[i].first, reference[i].first);
            QCOMPARE(got[i].second, reference[i].second);
        }
    }
}

}  // namespace

class TestNearDuplicatesBounded : public QObject {
    Q_OBJECT

  private slots:
    void keepsTheBestPairsInOrder() {
        const auto matrix = clusteredMatrix(1300, 48, 17);  // three blocks of rows
        const double threshold = 0.9;
        const auto reference = bruteForcePairs(matrix, threshold);
        qInfo("%zu pairs above %.2f", reference.size(), threshold);
        QVERIFY(reference.size() > 2000);
        for (const std::size_t maxPairs : {std::size_t{1}, std::size_t{37}, std::size_t{500}}) {
            compareWithReference(
                findNearDuplicates(matrix, static_cast<float>(threshold), maxPairs), reference,
                maxPairs);
        }
        // Everything, when maxPairs allows it.
        compareWithReference(findNearDuplicates(matrix, static_cast<float>(threshold), 1000000),
                             reference, 1000000);
        QVERIFY(findNearDuplicates(matrix, 0.9f, 0).empty());
    }

    void designedPairsComeOutExactly() {
        // 200 pairs with similarities 0.9000, 0.9004, ... among unrelated 256-d rows (those
        // stay below ~0.35): the best 25 are the last 25 designed, best first.
        const int dimension = 256;
        const auto d = static_cast<std::size_t>(dimension);
        std::vector<float> values;
        std::vector<PhotoId> ids;
        std::vector<double> designed;
        for (std::size_t k = 0; k < 200; ++k) {
            auto u = test::seededUnitVector(1000 + k, dimension);
            auto w = test::seededUnitVector(5000 + k, dimension);
            double uw = 0;
            for (std::size_t x = 0; x < d; ++x) {
                uw += double(u[x]) * w[x];
            }
            for (std::size_t x = 0; x < d; ++x) {
                w[x] -= static_cast<float>(uw) * u[x];
            }
            normalizeRow(w.data(), d);
            const double c = 0.9 + 0.0004 * static_cast<double>(k);
            std::vector<float> v(d);
            for (std::size_t x = 0; x < d; ++x) {
                v[x] = static_cast<float>(c * u[x] + std::sqrt(1 - c * c) * w[x]);
            }
            values.insert(values.end(), u.begin(), u.end());
            values.insert(values.end(), v.begin(), v.end());
            ids.push_back(static_cast<PhotoId>(10 * k + 1));
            ids.push_back(static_cast<PhotoId>(10 * k + 2));
            designed.push_back(c);
        }
        EmbeddingMatrix matrix;
        matrix.reset(dimension, ids, values);
        const auto pairs = findNearDuplicates(matrix, 0.85f, 25);
        QCOMPARE(pairs.size(), std::size_t{25});
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const std::size_t k = 199 - i;
            QCOMPARE(pairs[i].first, static_cast<PhotoId>(10 * k + 1));
            QCOMPARE(pairs[i].second, static_cast<PhotoId>(10 * k + 2));
            QVERIFY(std::abs(pairs[i].similarity - designed[k]) < 1e-5);
        }
    }

    void rowsGoneBeforeTheirBlockAreLeftOut() {
        const auto matrix = clusteredMatrix(1100, 32, 23);
        const auto keep = [](PhotoId id) { return id % 3 != 0; };
        const DuplicateRowSource rows = [&](std::span<const PhotoId> wanted,
                                            std::vector<PhotoId>& found,
                                            std::vector<float>& values) {
            for (const PhotoId id : wanted) {
                if (keep(id)) {
                    const auto row = matrix.row(static_cast<std::size_t>(matrix.indexOf(id)));
                    found.push_back(id);
                    values.insert(values.end(), row.begin(), row.end());
                }
            }
        };
        const auto got = findNearDuplicates(matrix.ids(), matrix.dimension(), rows, 0.9f, 300);
        compareWithReference(got, bruteForcePairs(matrix, 0.9, keep), 300);
    }

    void stopEndsTheScan() {
        const auto matrix = clusteredMatrix(2000, 32, 29);
        std::stop_source stopped;
        stopped.request_stop();
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 findNearDuplicates(matrix, 0.9f, 100, stopped.get_token()));
        // Stopped from inside, after a few blocks: no further block is fetched.
        std::stop_source source;
        int fetches = 0;
        const DuplicateRowSource rows = [&](std::span<const PhotoId> wanted,
                                            std::vector<PhotoId>& found,
                                            std::vector<float>& values) {
            if (++fetches == 3) {
                source.request_stop();
            }
            const auto first = static_cast<std::size_t>(matrix.indexOf(wanted.front()));
            found.assign(wanted.begin(), wanted.end());
            values.assign(matrix.data() + first * 32, matrix.data() + (first + wanted.size()) * 32);
        };
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, findNearDuplicates(matrix.ids(), 32, rows, 0.9f, 100, source.get_token()));
        QCOMPARE(fetches, 3);
    }

    void searchesRunDuringAScanWhichStopsOnRequest() {
        QTemporaryDir dir;
        LibraryStore store(dir.filePath("lib.sqlite3").toStdString());
        const int dimension = 512;
        test::FakeEmbedder embedder(dimension);
        test::FakeDecoder decoder;
        const auto model = store.modelId(embedder.fingerprint(), dimension);
        std::vector<LibraryStore::VectorRow> rows;
        store.transaction([&] {
            for (int i = 0; i < 8000; ++i) {
                PhotoFacts facts;
                facts.contentHash = "h" + std::to_string(i);
                facts.mediaType = "jpeg";
                const PhotoId id =
                    store.recordFile({"/lib/" + std::to_string(i) + ".jpg", 1, 1}, facts);
                rows.push_back(
                    {id, test::seededUnitVector(static_cast<std::uint64_t>(i) + 99, dimension)});
            }
        });
        store.putVectors(model, "", rows);
        PhotoSearch search(store, embedder, decoder);
        QCOMPARE(search.indexedPhotos(), std::size_t{8000});

        std::stop_source stopped;
        stopped.request_stop();
        QVERIFY_THROWS_EXCEPTION(Cancelled, search.nearDuplicates(0.9f, 10, stopped.get_token()));

        // 8000 x 512: 3.2e7 pairs, seconds on two cores.
        std::stop_source source;
        std::atomic<bool> finished{false};
        std::atomic<bool> cancelled{false};
        std::thread scan([&] {
            try {
                search.nearDuplicates(0.5f, 100, source.get_token());
            } catch (const Cancelled&) {
                cancelled = true;
            }
            finished = true;
        });
        QTest::qWait(200);
        QElapsedTimer timer;
        timer.start();
        const auto results = search.searchByVector(rows[17].vector, {}, 5);
        const qint64 searchMs = timer.elapsed();
        const bool scanStillRunning = !finished.load();
        QCOMPARE(results.at(0).photo, rows[17].photo);
        timer.restart();
        source.request_stop();
        scan.join();
        const qint64 stopMs = timer.elapsed();
        qInfo("search during the scan: %lld ms; scan stopped %lld ms after the request",
              static_cast<long long>(searchMs), static_cast<long long>(stopMs));
        QVERIFY2(scanStillRunning, "the scan ended before the search; the test proves nothing");
        QVERIFY(cancelled.load());
        QVERIFY2(searchMs < 2000, qPrintable(QString::number(searchMs)));
        QVERIFY2(stopMs < 3000, qPrintable(QString::number(stopMs)));
    }
};

QTEST_GUILESS_MAIN(TestNearDuplicatesBounded)
#include "test_near_duplicates_bounded.moc"
