// PhotoSearch over a library above its approximate-index threshold (lowered to 2,000 rows so it
// runs in seconds), on a real SQLite store holding synthetic clustered vectors: exact answers
// until the background build is done, then the index's answers against a brute-force ranking,
// filters, rows appended and deleted after the build, the rebuild, and destruction mid-build.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "test_library_fakes.h"

using namespace abc;

namespace {

constexpr int kDimension = 256;
constexpr std::size_t kRows = 3000;
constexpr auto kBuildTimeout = std::chrono::seconds(60);

void normalizeRow(std::vector<float>& v) {
    double sum = 0;
    for (const float x : v) {
        sum += double(x) * x;
    }
    for (auto& x : v) {
        x = static_cast<float>(x / std::sqrt(sum));
    }
}

// Events of varied size and spread around centres in a 32-d latent space mapped to 256-d,
// plus full-dimension noise; queries near a centre but on no row (like a text query).
class ClusteredVectors {
  public:
    explicit ClusteredVectors(std::uint64_t seed)
        : seed_(seed), rng_(seed), map_(kDimension * kLatent) {
        for (auto& x : map_) {
            x = normal_(rng_);
        }
        centres_.resize(kClusters * kLatent);
        for (auto& x : centres_) {
            x = normal_(rng_);
        }
        for (std::size_t c = 0; c < kClusters; ++c) {
            spreads_.push_back(0.3f * std::exp(0.5f * normal_(rng_)));
        }
    }
    std::vector<float> row() {
        const float u = uniform_(rng_);
        const auto c = static_cast<std::size_t>(u * u * static_cast<float>(kClusters));
        return draw(rng_, c, spreads_[c], 1.0f);
    }
    // The same vector for the same q, whenever asked.
    std::vector<float> query(std::size_t q) {
        std::mt19937_64 rng(seed_ * 1000003u + q);
        return draw(rng, (q * 7919) % kClusters, 0.4f, 1.5f);
    }

  private:
    static constexpr int kLatent = 32;
    static constexpr std::size_t kClusters = 60;
    std::vector<float> draw(std::mt19937_64& rng, std::size_t cluster, float spread, float noise) {
        std::vector<float> u(kLatent);
        for (int j = 0; j < kLatent; ++j) {
            u[j] = centres_[cluster * kLatent + j] + spread * normal_(rng);
        }
        std::vector<float> out(kDimension);
        for (int x = 0; x < kDimension; ++x) {
            float sum = 0;
            for (int j = 0; j < kLatent; ++j) {
                sum += map_[x * kLatent + j] * u[j];
            }
            out[x] = sum + noise * normal_(rng);
        }
        normalizeRow(out);
        return out;
    }
    std::uint64_t seed_;
    std::mt19937_64 rng_;
    std::normal_distribution<float> normal_;
    std::uniform_real_distribution<float> uniform_{0.0f, 1.0f};
    std::vector<float> map_;
    std::vector<float> centres_;
    std::vector<float> spreads_;
};

// A store with `rows` photos: even ones in /lib/a, odd ones in /lib/b; every 500th a GIF.
struct Library {
    QTemporaryDir dir;
    std::unique_ptr<LibraryStore> store;
    test::FakeEmbedder embedder{kDimension};
    test::FakeDecoder decoder;
    std::int64_t model = 0;
    std::map<PhotoId, std::vector<float>> vectors;  // what the store holds
    std::map<PhotoId, std::string> paths;
    std::size_t written = 0;

    explicit Library(std::size_t rows, ClusteredVectors& data) {
        store = std::make_unique<LibraryStore>(dir.filePath("lib.sqlite3").toStdString());
        model = store->modelId(embedder.fingerprint(), kDimension);
        add(rows, [&](std::size_t) { return data.row(); });
    }

    std::vector<PhotoId> add(std::size_t rows,
                             const std::function<std::vector<float>(std::size_t)>& vector) {
        std::vector<LibraryStore::VectorRow> batch;
        std::vector<PhotoId> ids;
        store->transaction([&] {
            for (std::size_t i = 0; i < rows; ++i) {
                const std::size_t n = written++;
                PhotoFacts facts;
                facts.contentHash = "photo-" + std::to_string(n);
                facts.mediaType = n % 500 == 7 ? "gif" : "jpeg";
                const std::string path =
                    std::string(n % 2 == 0 ? "/lib/a/" : "/lib/b/") + std::to_string(n) + ".jpg";
                const PhotoId id = store->recordFile({path, 1, 1}, facts);
                batch.push_back({id, vector(i)});
                vectors[id] = batch.back().vector;
                paths[id] = path;
                ids.push_back(id);
            }
        });
        store->putVectors(model, "", batch);
        return ids;
    }

    void remove(const std::vector<PhotoId>& ids) {
        std::vector<std::string> gone;
        for (const PhotoId id : ids) {
            gone.push_back(paths.at(id));
            paths.erase(id);
            vectors.erase(id);
        }
        store->removeFiles(gone);
    }

    // Exact top-k in double precision over the photos `keep` admits.
    std::vector<PhotoId> bruteForce(const std::vector<float>& query, std::size_t k,
                                    const std::function<bool(PhotoId)>& keep = {}) const {
        std::vector<std::pair<double, PhotoId>> all;
        for (const auto& [id, v] : vectors) {
            if (keep && !keep(id)) {
                continue;
            }
            double s = 0;
            for (int d = 0; d < kDimension; ++d) {
                s += double(v[d]) * query[d];
            }
            all.push_back({s, id});
        }
        k = std::min(k, all.size());
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                          [](auto& a, auto& b) { return a.first > b.first; });
        std::vector<PhotoId> ids;
        for (std::size_t i = 0; i < k; ++i) {
            ids.push_back(all[i].second);
        }
        return ids;
    }
};

PhotoSearchOptions smallThreshold() {
    PhotoSearchOptions options;
    options.approximateIndexRows = 2000;
    // A narrow walk, so the graph (not an exhaustive visit of 3,000 rows) decides the answers.
    options.index.searchBreadth = 48;
    options.index.rerank = 48;
    return options;
}

double overlap(const std::vector<SearchResult>& got, const std::vector<PhotoId>& expected) {
    double hits = 0;
    for (const PhotoId id : expected) {
        hits += std::any_of(got.begin(), got.end(), [&](auto& r) { return r.photo == id; });
    }
    return expected.empty() ? 1.0 : hits / static_cast<double>(expected.size());
}

}  // namespace

class TestPhotoSearchApproximate : public QObject {
    Q_OBJECT

  private slots:
    void exactUntilReadyThenApproximate() {
        ClusteredVectors data(3);
        Library library(kRows, data);
        PhotoSearch search(*library.store, library.embedder, library.decoder, smallThreshold());
        // The first call loads the matrix and starts the build on its own thread; the build
        // cannot swap in while this call holds the search, so it is answered exactly.
        const auto first = search.searchByVector(data.query(0), {}, 10);
        QCOMPARE(first.size(), std::size_t{10});
        QVERIFY(!search.lastSearchStats().approximate);
        QVERIFY(!search.lastSearchStats().fellBack);
        QCOMPARE(overlap(first, library.bruteForce(data.query(0), 10)), 1.0);

        QVERIFY(search.waitForApproximateIndex(kBuildTimeout));
        const auto status = search.approximateIndexStatus();
        QVERIFY(status.state == ApproximateIndexStatus::State::Ready);
        QCOMPARE(status.indexedRows, kRows);
        QCOMPARE(status.builds, std::size_t{1});
        qInfo("%s", status.describe().c_str());

        double sum = 0;
        double exactSum = 0;
        const int queries = 60;
        for (int q = 0; q < queries; ++q) {
            const auto query = data.query(static_cast<std::size_t>(q));
            const auto got = search.searchByVector(query, {}, 10);
            QVERIFY(search.usedApproximateIndex());
            QVERIFY(search.lastSearchStats().candidates > 0);
            QCOMPARE(got.size(), std::size_t{10});
            for (std::size_t i = 1; i < got.size(); ++i) {
                QVERIFY(got[i - 1].score >= got[i].score);
            }
            const auto expected = library.bruteForce(query, 10);
            sum += overlap(got, expected);
            // The score is the cosine on the full vector, as the exact scan reports it.
            const auto& v = library.vectors.at(got[0].photo);
            double s = 0;
            for (int d = 0; d < kDimension; ++d) {
                s += double(v[d]) * query[d];
            }
            QVERIFY(std::abs(s - got[0].score) < 1e-4);
            exactSum += expected[0] == got[0].photo;
        }
        const double mean = sum / queries;
        qInfo(
            "approximate top-10 overlap with the exact top-10: %.3f over %d queries (top-1 "
            "equal in %.0f)",
            mean, queries, exactSum);
        QVERIFY2(mean >= 0.9, qPrintable(QString::number(mean)));

        // Below the threshold, and with the index switched off, nothing changes.
        PhotoSearchOptions high = smallThreshold();
        high.approximateIndexRows = kRows + 1;
        PhotoSearch small(*library.store, library.embedder, library.decoder, high);
        small.searchByVector(data.query(1), {}, 10);
        QVERIFY(!small.usedApproximateIndex());
        QVERIFY(small.approximateIndexStatus().state == ApproximateIndexStatus::State::Exact);
        QVERIFY(!small.waitForApproximateIndex(std::chrono::milliseconds(0)));
        PhotoSearchOptions off = smallThreshold();
        off.approximateIndexRows = 0;
        PhotoSearch never(*library.store, library.embedder, library.decoder, off);
        never.searchByVector(data.query(1), {}, 10);
        QVERIFY(!never.usedApproximateIndex());
        QVERIFY(never.approximateIndexStatus().state == ApproximateIndexStatus::State::Off);
    }

    void filtersAreHonoured() {
        ClusteredVectors data(5);
        Library library(kRows, data);
        PhotoSearch search(*library.store, library.embedder, library.decoder, smallThreshold());
        QVERIFY(search.waitForApproximateIndex(kBuildTimeout));

        SearchFilter inA;
        inA.folders = {"/lib/a"};
        const auto isInA = [&](PhotoId id) {
            return library.paths.at(id).rfind("/lib/a/", 0) == 0;
        };
        double sum = 0;
        for (int q = 0; q < 20; ++q) {
            const auto query = data.query(static_cast<std::size_t>(q));
            const auto got = search.searchByVector(query, inA, 10);
            QVERIFY(search.lastSearchStats().approximate);
            QCOMPARE(got.size(), std::size_t{10});
            for (const auto& r : got) {
                QVERIFY2(r.path.rfind("/lib/a/", 0) == 0, r.path.c_str());
                QVERIFY(isInA(r.photo));
            }
            sum += overlap(got, library.bruteForce(query, 10, isInA));
        }
        qInfo("filtered (half the photos) overlap: %.3f", sum / 20);
        QVERIFY(sum / 20 >= 0.9);

        // Six GIFs in 3,000 photos: fewer than k survive the index's candidates, and the exact
        // scan answers with every GIF.
        SearchFilter gifs;
        gifs.mediaTypes = {"gif"};
        const auto got = search.searchByVector(data.query(3), gifs, 10);
        QVERIFY(search.lastSearchStats().fellBack);
        QVERIFY(!search.lastSearchStats().approximate);
        const auto isGif = [&](PhotoId id) {
            return std::stoul(library.paths.at(id).substr(7)) % 500 == 7;
        };
        const auto expected = library.bruteForce(data.query(3), 10, isGif);
        QCOMPARE(expected.size(), std::size_t{6});
        QCOMPARE(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].photo, expected[i]);
        }
    }

    void appendedRowsAreFoundAndDeletedNeverReturned() {
        ClusteredVectors data(7);
        Library library(kRows, data);
        PhotoSearch search(*library.store, library.embedder, library.decoder, smallThreshold());
        QVERIFY(search.waitForApproximateIndex(kBuildTimeout));

        // Appended after the build: found at once (scanned exactly while pending), then through
        // the graph once the worker has added them.
        const auto appended = library.add(40, [&](std::size_t i) { return data.query(1000 + i); });
        for (const PhotoId id : appended) {
            const auto got = search.searchByVector(library.vectors.at(id), {}, 5);
            QVERIFY(search.usedApproximateIndex());
            QCOMPARE(got.at(0).photo, id);
        }
        QVERIFY(search.waitForApproximateIndex(kBuildTimeout));
        auto status = search.approximateIndexStatus();
        QCOMPARE(status.pendingRows, std::size_t{0});
        QCOMPARE(status.indexedRows, kRows + 40);
        for (const PhotoId id : appended) {
            const auto got = search.searchByVector(library.vectors.at(id), {}, 5);
            QVERIFY(search.usedApproximateIndex());
            QCOMPARE(got.at(0).photo, id);
        }

        // Delete the best answers of some queries: never returned again.
        std::set<PhotoId> deleted;
        for (int q = 0; q < 10; ++q) {
            for (const auto& r : search.searchByVector(data.query(q), {}, 5)) {
                deleted.insert(r.photo);
            }
        }
        library.remove({deleted.begin(), deleted.end()});
        const auto checkNoneDeleted = [&] {
            for (int q = 0; q < 10; ++q) {
                const auto got = search.searchByVector(data.query(q), {}, 10);
                QCOMPARE(got.size(), std::size_t{10});
                for (const auto& r : got) {
                    QVERIFY(!deleted.contains(r.photo));
                }
                QVERIFY(overlap(got, library.bruteForce(data.query(q), 10)) >= 0.7);
            }
        };
        checkNoneDeleted();
        QVERIFY(search.usedApproximateIndex());
        status = search.approximateIndexStatus();
        QCOMPARE(status.staleRows, deleted.size());
        QCOMPARE(status.builds, std::size_t{1});

        // More than 10% gone: rebuilt in the background, without the deleted rows.
        std::vector<PhotoId> more;
        for (const auto& [id, v] : library.vectors) {
            if (more.size() < 400 && id % 3 == 0) {
                more.push_back(id);
            }
        }
        deleted.insert(more.begin(), more.end());
        library.remove(more);
        checkNoneDeleted();
        QVERIFY(search.waitForApproximateIndex(kBuildTimeout));
        status = search.approximateIndexStatus();
        qInfo("%s", status.describe().c_str());
        QCOMPARE(status.builds, std::size_t{2});
        QCOMPARE(status.staleRows, std::size_t{0});
        QCOMPARE(status.indexedRows, library.vectors.size());
        checkNoneDeleted();
        QVERIFY(search.usedApproximateIndex());
    }

    void destroyingDuringABuildReturnsPromptly() {
        ClusteredVectors data(9);
        Library library(12000, data);
        PhotoSearchOptions options = smallThreshold();
        options.index.buildBreadth = 200;  // a slower build, so it is surely running
        QElapsedTimer timer;
        qint64 destroyMs = 0;
        {
            PhotoSearch search(*library.store, library.embedder, library.decoder, options);
            const auto status = search.approximateIndexStatus();
            QVERIFY(status.state == ApproximateIndexStatus::State::Building);
            QTest::qWait(300);
            // Searches go on while it builds, exactly.
            search.searchByVector(data.query(0), {}, 10);
            const bool stillBuilding =
                search.approximateIndexStatus().state == ApproximateIndexStatus::State::Building;
            QVERIFY2(stillBuilding, "the build finished too soon for this test to mean anything");
            QVERIFY(!search.usedApproximateIndex());
            timer.start();
        }
        destroyMs = timer.elapsed();
        qInfo("destroyed mid-build in %lld ms", static_cast<long long>(destroyMs));
        QVERIFY2(destroyMs < 5000, qPrintable(QString::number(destroyMs)));
    }
};

QTEST_GUILESS_MAIN(TestPhotoSearchApproximate)
#include "test_photo_search_approximate.moc"
