#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "app/cli/command.h"
#include "core/io/error.h"
#include "core/library/approximate_index.h"
#include "core/library/embedding_matrix.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"

namespace abc::cli {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct BenchOptions {
    std::vector<std::size_t> sizes = {10000, 100000};
    int dimension = 3584;
    int queries = 50;
    int latentDimension = 64;
    bool approximate = false;
    int probes = 16;
    int lists = 0;
    std::string loadDb;
    std::size_t loadRows = 0;
    std::string pipelineFolder;
};

// Synthetic embeddings with the low intrinsic dimension real ones have: a random linear map
// of a `latent`-d Gaussian plus isotropic noise, normalised. Pure Gaussian 3584-d vectors are
// all nearly orthogonal, which no real photo collection is, and would make recall meaningless.
class SyntheticVectors {
  public:
    SyntheticVectors(int dimension, int latent, std::uint64_t seed)
        : dimension_(dimension),
          latent_(latent),
          map_(static_cast<std::size_t>(dimension) * latent) {
        std::mt19937_64 rng(seed);
        std::normal_distribution<float> normal;
        for (auto& x : map_) {
            x = normal(rng) / std::sqrt(static_cast<float>(latent));
        }
    }
    // Rows [first, first + count) of the collection; row r depends on r only.
    void rows(std::size_t first, std::size_t count, float* out) const {
        std::vector<float> z(static_cast<std::size_t>(latent_));
        for (std::size_t i = 0; i < count; ++i) {
            std::mt19937_64 rng(0x9E3779B97F4A7C15ull * (first + i + 1));
            std::normal_distribution<float> normal;
            for (auto& x : z) {
                x = normal(rng);
            }
            float* row = out + i * dimension_;
            double norm = 0.0;
            for (int d = 0; d < dimension_; ++d) {
                const float* m = map_.data() + static_cast<std::size_t>(d) * latent_;
                float sum = 0.0f;
                for (int k = 0; k < latent_; ++k) {
                    sum += m[k] * z[k];
                }
                sum += 0.3f * normal(rng) / std::sqrt(static_cast<float>(dimension_)) *
                       std::sqrt(static_cast<float>(latent_));
                row[d] = sum;
                norm += double(sum) * sum;
            }
            const float scale = static_cast<float>(1.0 / std::sqrt(norm));
            for (int d = 0; d < dimension_; ++d) {
                row[d] *= scale;
            }
        }
    }
    // Rows in parallel on all cores.
    void rowsParallel(std::size_t first, std::size_t count, float* out) const {
        const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
        std::vector<std::thread> pool;
        for (std::size_t w = 0; w < workers; ++w) {
            const std::size_t begin = count * w / workers;
            const std::size_t end = count * (w + 1) / workers;
            pool.emplace_back(
                [=, this] { rows(first + begin, end - begin, out + begin * dimension_); });
        }
        for (auto& thread : pool) {
            thread.join();
        }
    }

  private:
    int dimension_;
    int latent_;
    std::vector<float> map_;
};

struct Latency {
    double p50 = 0;
    double p95 = 0;
};

Latency percentiles(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        return samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
    };
    return {at(0.50), at(0.95)};
}

void benchExact(const BenchOptions& options, std::size_t rows, const SyntheticVectors& data) {
    std::vector<float> values(rows * options.dimension);
    auto start = Clock::now();
    data.rowsParallel(0, rows, values.data());
    std::vector<PhotoId> ids(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        ids[i] = static_cast<PhotoId>(i + 1);
    }
    EmbeddingMatrix matrix;
    matrix.reset(options.dimension, std::move(ids), std::move(values));
    std::fprintf(stderr, "generated %zu vectors in %.1f s\n", rows, msSince(start) / 1000);
    // Fresh points of the same distribution (like text queries landing among the photos).
    std::vector<float> query(options.dimension);
    std::vector<double> twoStage;
    std::vector<double> floatScan;
    double agree = 0;
    for (int q = 0; q < options.queries; ++q) {
        data.rows(rows + 1000 + q, 1, query.data());
        start = Clock::now();
        const auto fast = matrix.topK(query, 50);
        twoStage.push_back(msSince(start));
        start = Clock::now();
        const auto exact = matrix.exactTopK(query, 50);
        floatScan.push_back(msSince(start));
        for (const auto& e : exact) {
            agree += std::any_of(fast.begin(), fast.end(),
                                 [&](const ScoredPhoto& f) { return f.photo == e.photo; });
        }
    }
    const Latency a = percentiles(twoStage);
    const Latency b = percentiles(floatScan);
    std::printf(
        "top-50 %8zu x %d  int8 scan + float re-rank: p50 %7.2f ms p95 %7.2f ms "
        "(same top-50 as exact: %.4f) | float scan: p50 %7.2f ms p95 %7.2f ms  (%u threads)\n",
        rows, options.dimension, a.p50, a.p95, agree / (50.0 * options.queries), b.p50, b.p95,
        std::thread::hardware_concurrency());
    std::fflush(stdout);
}

void benchApproximate(const BenchOptions& options, std::size_t rows, const SyntheticVectors& data) {
    const int dimension = options.dimension;
    const std::size_t chunk = 20000;
    ApproximateIndex index;
    ApproximateIndex::Options settings;
    settings.lists =
        options.lists > 0 ? options.lists : static_cast<int>(std::sqrt(static_cast<double>(rows)));
    settings.probes = options.probes;
    const std::size_t training = std::min<std::size_t>(rows, std::size_t(settings.lists) * 40);
    auto start = Clock::now();
    {
        std::vector<float> sample(training * dimension);
        // Training rows are taken from the same distribution (independent row numbers).
        data.rowsParallel(rows + 100000, training, sample.data());
        index.train(sample, dimension, settings);
    }
    std::fprintf(stderr, "trained %d lists on %zu rows in %.1f s\n", settings.lists, training,
                 msSince(start) / 1000);
    start = Clock::now();
    std::vector<float> block(chunk * dimension);
    std::vector<PhotoId> ids(chunk);
    // Exact answers for the queries, accumulated chunk by chunk (the floats never all fit).
    const int queries = options.queries;
    std::vector<float> queryRows(static_cast<std::size_t>(queries) * dimension);
    data.rows(rows + 1000, queries, queryRows.data());
    std::vector<std::vector<ScoredPhoto>> truth(queries);
    for (std::size_t first = 0; first < rows; first += chunk) {
        const std::size_t count = std::min(chunk, rows - first);
        data.rowsParallel(first, count, block.data());
        for (std::size_t i = 0; i < count; ++i) {
            ids[i] = static_cast<PhotoId>(first + i + 1);
        }
        index.add(std::span<const PhotoId>(ids.data(), count),
                  std::span<const float>(block.data(), count * dimension));
        EmbeddingMatrix part;
        part.reset(dimension, std::vector<PhotoId>(ids.begin(), ids.begin() + count),
                   std::vector<float>(block.begin(), block.begin() + count * dimension));
        for (int q = 0; q < queries; ++q) {
            auto found =
                part.topK(std::span<const float>(queryRows.data() + q * dimension, dimension), 10);
            truth[q].insert(truth[q].end(), found.begin(), found.end());
            std::sort(truth[q].begin(), truth[q].end(),
                      [](auto& a, auto& b) { return a.score > b.score; });
            truth[q].resize(std::min<std::size_t>(10, truth[q].size()));
        }
        if ((first / chunk) % 10 == 0) {
            std::fprintf(stderr, "added %zu/%zu (%.0f s)\n", first + count, rows,
                         msSince(start) / 1000);
        }
    }
    for (int probes :
         {options.probes / 2, options.probes, options.probes * 2, options.probes * 4}) {
        if (probes < 1) {
            continue;
        }
        index.setProbes(probes);
        std::vector<double> times;
        double hits = 0;
        for (int q = 0; q < queries; ++q) {
            const std::span<const float> query(queryRows.data() + q * dimension, dimension);
            const auto t = Clock::now();
            const auto approx = index.topK(query, 10);
            times.push_back(msSince(t));
            for (const auto& e : truth[q]) {
                hits += std::any_of(approx.begin(), approx.end(),
                                    [&](const ScoredPhoto& a) { return a.photo == e.photo; });
            }
        }
        const Latency latency = percentiles(times);
        std::printf(
            "IVF-SQ8 top-10 %8zu x %d  lists %d probes %3d  recall@10 %.3f  p50 %6.2f ms  "
            "p95 %6.2f ms\n",
            rows, dimension, settings.lists, probes, hits / (10.0 * queries), latency.p50,
            latency.p95);
        std::fflush(stdout);
    }
}

void benchLoad(const BenchOptions& options, const SyntheticVectors& data) {
    namespace fs = std::filesystem;
    const std::string path = options.loadDb;
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    LibraryStore store(path);
    const auto model = store.modelId("bench", options.dimension);
    const std::size_t rows = options.loadRows;
    const std::size_t chunk = 5000;
    std::vector<float> block(chunk * options.dimension);
    auto start = Clock::now();
    for (std::size_t first = 0; first < rows; first += chunk) {
        const std::size_t count = std::min(chunk, rows - first);
        data.rowsParallel(first, count, block.data());
        store.transaction([&] {
            std::vector<LibraryStore::VectorRow> vectorRows;
            for (std::size_t i = 0; i < count; ++i) {
                PhotoFacts facts;
                facts.contentHash = std::to_string(first + i);
                facts.mediaType = "jpeg";
                const PhotoId id =
                    store.recordFile({"/bench/" + std::to_string(first + i) + ".jpg", 1, 1}, facts);
                vectorRows.push_back(
                    {id, std::vector<float>(block.begin() + i * options.dimension,
                                            block.begin() + (i + 1) * options.dimension)});
            }
            store.putVectors(model, "", vectorRows);
        });
    }
    std::printf("write %zu vectors to SQLite: %.1f s\n", rows, msSince(start) / 1000);
    for (int run = 0; run < 2; ++run) {
        start = Clock::now();
        const StoredVectors loaded = store.loadVectors(model, "");
        std::printf("load %zu x %d vectors from SQLite (%s cache): %.0f ms (%.0f MB)\n",
                    loaded.ids.size(), loaded.dimension, run == 0 ? "warm OS" : "hot",
                    msSince(start), loaded.values.size() * 4.0 / 1e6);
    }
}

// The pipeline without the model: scan, hash, probe, decode + preprocess on threads,
// batching, SQLite commits; a model stand-in returns fixed vectors instantly.
class NullModel : public PhotoEmbedder {
  public:
    explicit NullModel(std::string decoderFingerprint)
        : fingerprint_("null;" + decoderFingerprint) {}
    std::string fingerprint() const override { return fingerprint_; }
    int dimension() const override { return 3584; }
    bool supportsInstructions() const override { return false; }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images, const std::string&,
        const EmbedHooks&) override {
        Embedding unit(3584, 0.0f);
        unit[0] = 1.0f;
        return std::vector<Embedding>(images.size(), unit);
    }
    Embedding embedText(const std::string&) override { return Embedding(3584, 0.0f); }

  private:
    std::string fingerprint_;
};

void benchPipeline(const BenchOptions& options) {
    namespace fs = std::filesystem;
    const std::string db = (fs::temp_directory_path() / "abc-bench-pipeline.sqlite3").string();
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
    LibraryStore store(db);
    const auto decoder = makePhotoDecoder();
    NullModel model(decoder->fingerprint());
    PhotoIndexer indexer(store, model, *decoder);
    IndexOptions index;
    index.folders = {options.pipelineFolder};
    const auto summary = indexer.run(index);
    std::printf(
        "pipeline without the model: %zu photos in %.2f s = %.1f ms/photo "
        "(%zu failed; %u cores)\n",
        summary.embedded, summary.seconds,
        summary.embedded > 0 ? 1000.0 * summary.seconds / summary.embedded : 0.0, summary.failed,
        std::thread::hardware_concurrency());
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
}

}  // namespace

// `bench-library`: search latency, approximate recall, SQLite load time, pipeline overhead.
void registerBenchLibrary(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("bench-library",
                                   "Benchmark library search, loading and pipeline overhead");
    auto options = std::make_shared<BenchOptions>();
    cmd->add_option("--sizes", options->sizes, "Library sizes for exact search")
        ->capture_default_str();
    cmd->add_option("--dimension", options->dimension, "Vector dimension")->capture_default_str();
    cmd->add_option("--queries", options->queries, "Queries per measurement")
        ->capture_default_str();
    cmd->add_flag("--approximate", options->approximate,
                  "Approximate (FAISS IVF-SQ8) search at each size, with recall@10");
    cmd->add_option("--probes", options->probes, "IVF lists probed")->capture_default_str();
    cmd->add_option("--lists", options->lists, "IVF lists (0: sqrt(n))");
    cmd->add_option("--load-db", options->loadDb, "Measure SQLite write/load into this file");
    cmd->add_option("--load-rows", options->loadRows, "Vectors for --load-db");
    cmd->add_option("--pipeline", options->pipelineFolder,
                    "Index this image folder with a null model: per-photo pipeline overhead");
    cmd->callback([options, &exitCode]() {
        const SyntheticVectors data(options->dimension, options->latentDimension, 42);
        if (!options->pipelineFolder.empty()) {
            benchPipeline(*options);
        }
        if (!options->loadDb.empty() && options->loadRows > 0) {
            benchLoad(*options, data);
        }
        for (const std::size_t rows : options->sizes) {
            if (options->approximate) {
                benchApproximate(*options, rows, data);
            } else {
                benchExact(*options, rows, data);
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
