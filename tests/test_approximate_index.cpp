// The approximate index for large libraries: its dot-product kernel against double precision,
// the PCA projection on data of known rank, and recall@10 of PCA + HNSW + re-ranking against
// the exact top-10 on clustered data, through both construction paths (a matrix, and the
// streaming train + add with the int8 copy).
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/io/error.h"
#include "core/library/approximate_index.h"
#include "core/library/dot_kernels.h"
#include "core/library/embedding_matrix.h"
#include "core/library/pca_projection.h"

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

// Clusters (events) of varied size and spread around random centres in a 48-d subspace, plus
// full-dimension noise; queries sit near a cluster centre but on no row.
struct ClusteredData {
    int dimension = 0;
    std::vector<float> rows;
    std::vector<float> queries;
};

ClusteredData clusteredData(std::size_t count, int dimension, std::size_t queries) {
    std::mt19937_64 rng(5);
    std::normal_distribution<float> normal;
    const int latent = 48;
    const auto d = static_cast<std::size_t>(dimension);
    std::vector<float> map(d * latent);
    for (auto& x : map) {
        x = normal(rng);
    }
    const std::size_t clusters = count / 50;
    std::vector<float> centres(clusters * latent);
    for (auto& x : centres) {
        x = normal(rng);
    }
    std::vector<float> spreads(clusters);
    for (auto& s : spreads) {
        s = 0.3f * std::exp(0.5f * normal(rng));
    }
    const auto drawRow = [&](const float* centre, float spread, float noise, float* out) {
        std::vector<float> u(latent);
        for (int j = 0; j < latent; ++j) {
            u[j] = centre[j] + spread * normal(rng);
        }
        for (std::size_t x = 0; x < d; ++x) {
            float sum = 0;
            for (int j = 0; j < latent; ++j) {
                sum += map[x * latent + j] * u[j];
            }
            out[x] = sum + noise * normal(rng);
        }
        normalizeRow(out, d);
    };
    ClusteredData data;
    data.dimension = dimension;
    data.rows.resize(count * d);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (std::size_t r = 0; r < count; ++r) {
        // Skewed cluster sizes: a squared uniform favours the first clusters.
        const float u = uniform(rng);
        const auto c = static_cast<std::size_t>(u * u * static_cast<float>(clusters));
        drawRow(centres.data() + c * latent, spreads[c], 1.0f, data.rows.data() + r * d);
    }
    data.queries.resize(queries * d);
    for (std::size_t q = 0; q < queries; ++q) {
        const std::size_t c = (q * 7919) % clusters;
        drawRow(centres.data() + c * latent, 0.4f, 1.5f, data.queries.data() + q * d);
    }
    return data;
}

// Exact top-10 ids in double precision.
std::vector<PhotoId> exactTop10(const ClusteredData& data, std::size_t q) {
    const auto d = static_cast<std::size_t>(data.dimension);
    const std::size_t count = data.rows.size() / d;
    std::vector<std::pair<double, PhotoId>> all(count);
    for (std::size_t r = 0; r < count; ++r) {
        double s = 0;
        for (std::size_t x = 0; x < d; ++x) {
            s += double(data.rows[r * d + x]) * data.queries[q * d + x];
        }
        all[r] = {s, static_cast<PhotoId>(r + 1)};
    }
    std::partial_sort(all.begin(), all.begin() + 10, all.end(),
                      [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<PhotoId> ids;
    for (int i = 0; i < 10; ++i) {
        ids.push_back(all[static_cast<std::size_t>(i)].second);
    }
    return ids;
}

double recallAt10(const ApproximateIndex& index, const ClusteredData& data) {
    const auto d = static_cast<std::size_t>(data.dimension);
    const std::size_t queries = data.queries.size() / d;
    double hits = 0;
    for (std::size_t q = 0; q < queries; ++q) {
        const auto found = index.topK(std::span<const float>(data.queries.data() + q * d, d), 10);
        for (const PhotoId id : exactTop10(data, q)) {
            hits += std::any_of(found.begin(), found.end(),
                                [&](const ScoredPhoto& s) { return s.photo == id; });
        }
    }
    return hits / (10.0 * static_cast<double>(queries));
}

}  // namespace

class TestApproximateIndex : public QObject {
    Q_OBJECT

  private slots:
    void pairwiseDotsMatchDoublePrecision() {
        // Sizes that are not multiples of the tiles or of the vector width.
        const std::size_t aRows = 67, bRows = 131, length = 203;
        std::mt19937 rng(3);
        std::normal_distribution<float> normal;
        std::vector<float> a(aRows * length), b(bRows * length);
        for (auto& x : a)
            x = normal(rng);
        for (auto& x : b)
            x = normal(rng);
        std::vector<float> out(aRows * bRows, -1.0f);
        pairwiseDots(a.data(), aRows, b.data(), bRows, length, out.data(), 2);
        double worst = 0;
        for (std::size_t i = 0; i < aRows; ++i) {
            for (std::size_t j = 0; j < bRows; ++j) {
                double s = 0;
                for (std::size_t x = 0; x < length; ++x) {
                    s += double(a[i * length + x]) * b[j * length + x];
                }
                worst = std::max(worst, std::abs(s - out[i * bRows + j]));
            }
        }
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));

        std::vector<std::int8_t> codes(length);
        for (std::size_t x = 0; x < length; ++x) {
            codes[x] = static_cast<std::int8_t>(static_cast<int>(x * 37 % 255) - 127);
        }
        double expected = 0;
        for (std::size_t x = 0; x < length; ++x) {
            expected += double(a[x]) * codes[x];
        }
        QVERIFY(std::abs(dotFloatInt8(a.data(), codes.data(), length) - expected) < 1e-2);
    }

    void pcaKeepsTheInnerProductsOfLowRankData() {
        // Rows in a 12-d subspace of 256-d: 12 components must carry all of the energy and
        // keep every inner product.
        const int dimension = 256, rank = 12;
        const std::size_t rows = 2000;
        std::mt19937 rng(9);
        std::normal_distribution<float> normal;
        std::vector<float> basis(static_cast<std::size_t>(rank) * dimension);
        for (auto& x : basis)
            x = normal(rng);
        std::vector<float> sample(rows * dimension, 0.0f);
        for (std::size_t r = 0; r < rows; ++r) {
            for (int k = 0; k < rank; ++k) {
                const float w = normal(rng) / float(k + 1);
                for (int x = 0; x < dimension; ++x) {
                    sample[r * dimension + x] += w * basis[k * dimension + x];
                }
            }
            normalizeRow(sample.data() + r * dimension, dimension);
        }
        const auto pca = PcaProjection::fit(sample, dimension, rank);
        QCOMPARE(pca.outputDimension(), rank);
        QVERIFY2(pca.retainedEnergy() > 0.999, qPrintable(QString::number(pca.retainedEnergy())));
        std::vector<float> projected(rows * rank);
        pca.project(sample, projected);
        double worst = 0;
        for (std::size_t i = 0; i < 50; ++i) {
            for (std::size_t j = 0; j < 50; ++j) {
                double full = 0, reduced = 0;
                for (int x = 0; x < dimension; ++x) {
                    full += double(sample[i * dimension + x]) * sample[j * dimension + x];
                }
                for (int x = 0; x < rank; ++x) {
                    reduced += double(projected[i * rank + x]) * projected[j * rank + x];
                }
                worst = std::max(worst, std::abs(full - reduced));
            }
        }
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
        // Fewer components than the rank lose energy, and say so.
        const auto smaller = PcaProjection::fit(sample, dimension, rank / 2);
        QVERIFY(smaller.retainedEnergy() < 0.99);
        QVERIFY_THROWS_EXCEPTION(Error, PcaProjection::fit(sample, dimension, dimension));
    }

    void builtOnAMatrixFindsTheTop10() {
        const auto data = clusteredData(12000, 384, 40);
        std::vector<PhotoId> ids(12000);
        for (std::size_t i = 0; i < ids.size(); ++i)
            ids[i] = static_cast<PhotoId>(i + 1);
        EmbeddingMatrix matrix;
        matrix.reset(data.dimension, ids, data.rows);
        ApproximateIndex index;
        ApproximateIndex::Options options;
        options.reducedDimension = 32;
        options.searchBreadth = 128;
        options.rerank = 128;
        index.build(matrix, options);
        QCOMPARE(index.size(), std::size_t{12000});
        QCOMPARE(index.reducedDimension(), 32);
        const double recall = recallAt10(index, data);
        QVERIFY2(recall >= 0.97, qPrintable(QString::number(recall)));
        // Re-ranked scores are the exact cosines on the matrix.
        const std::span<const float> query(data.queries.data(), 384);
        for (const auto& hit : index.topK(query, 5)) {
            const auto row = matrix.row(static_cast<std::size_t>(matrix.indexOf(hit.photo)));
            double s = 0;
            for (int x = 0; x < 384; ++x)
                s += double(row[x]) * query[x];
            QVERIFY(std::abs(s - hit.score) < 1e-4);
        }
        // The graph order alone (no re-ranking, scores from 32 of 384 dimensions) is worse,
        // which is what the re-ranking is for.
        index.setRerank(0);
        const double graphOnly = recallAt10(index, data);
        qInfo("matrix path: recall@10 %.3f re-ranked, %.3f in graph order", recall, graphOnly);
        QVERIFY2(graphOnly < recall, qPrintable(QString::number(graphOnly)));

        const std::vector<float> wrong(100, 0.1f);
        QVERIFY_THROWS_EXCEPTION(Error, index.topK(wrong, 10));
    }

    void streamedInChunksFindsTheTop10() {
        const auto data = clusteredData(12000, 384, 40);
        const std::size_t d = 384;
        ApproximateIndex index;
        ApproximateIndex::Options options;
        options.reducedDimension = 32;
        options.searchBreadth = 128;
        options.rerank = 128;
        QVERIFY_THROWS_EXCEPTION(Error, index.add(std::vector<PhotoId>{1}, std::vector<float>(d)));
        // Train on every 4th row, then add in chunks of 5000 as a store would stream them.
        std::vector<float> sample;
        for (std::size_t r = 0; r < 12000; r += 4) {
            sample.insert(sample.end(), data.rows.begin() + r * d, data.rows.begin() + (r + 1) * d);
        }
        index.train(sample, 384, options);
        for (std::size_t first = 0; first < 12000; first += 5000) {
            const std::size_t count = std::min<std::size_t>(5000, 12000 - first);
            std::vector<PhotoId> ids(count);
            for (std::size_t i = 0; i < count; ++i)
                ids[i] = static_cast<PhotoId>(first + i + 1);
            index.add(ids, std::span<const float>(data.rows.data() + first * d, count * d));
        }
        QCOMPARE(index.size(), std::size_t{12000});
        QVERIFY_THROWS_EXCEPTION(Error,
                                 index.add(std::vector<PhotoId>{1}, std::vector<float>(d - 1)));
        const double recall = recallAt10(index, data);
        QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
        qInfo("streaming path: recall@10 %.3f", recall);
        // Scores come from the int8 copy: within its rounding of the exact cosine.
        const std::span<const float> query(data.queries.data(), d);
        for (const auto& hit : index.topK(query, 5)) {
            const float* row = data.rows.data() + static_cast<std::size_t>(hit.photo - 1) * d;
            double s = 0;
            for (std::size_t x = 0; x < d; ++x)
                s += double(row[x]) * query[x];
            QVERIFY2(std::abs(s - hit.score) < 5e-3, qPrintable(QString::number(s - hit.score)));
        }
    }
};

QTEST_APPLESS_MAIN(TestApproximateIndex)
#include "test_approximate_index.moc"
