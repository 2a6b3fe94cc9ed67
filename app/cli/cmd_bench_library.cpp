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
#include "app/cli/synthetic_vectors.h"
#include "core/io/error.h"
#include "core/library/approximate_index.h"
#include "core/library/dot_kernels.h"
#include "core/library/embedding_matrix.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_search.h"

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
    std::string data = "both";  // low-rank | photos | both
    bool approximate = false;
    int reduced = 128;
    int neighbours = 32;
    int buildBreadth = 64;
    std::vector<int> breadths = {64, 128, 256, 512};
    std::vector<int> reranks = {0, 64, 128, 256, 512};
    std::string loadDb;
    std::size_t loadRows = 0;
    std::string openDb;
    std::string pipelineFolder;
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
    std::vector<float> query(options.dimension);
    std::vector<double> twoStage;
    std::vector<double> floatScan;
    double agree = 0;
    std::vector<float> queryRows(static_cast<std::size_t>(options.queries) * options.dimension);
    data.queries(static_cast<std::size_t>(options.queries), queryRows.data());
    for (int q = 0; q < options.queries; ++q) {
        std::copy_n(queryRows.begin() + static_cast<std::ptrdiff_t>(q) * options.dimension,
                    options.dimension, query.begin());
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
        "(same top-50 as exact: %.4f) | float scan: p50 %7.2f ms p95 %7.2f ms  (%u threads; %s)\n",
        rows, options.dimension, a.p50, a.p95, agree / (50.0 * options.queries), b.p50, b.p95,
        std::thread::hardware_concurrency(), data.name().c_str());
    std::fflush(stdout);
}

// A "Key: N kB" line of /proc/self/status, in kB (0 where it cannot be read).
double procStatusKb(const char* format) {
    std::FILE* status = std::fopen("/proc/self/status", "r");
    if (status == nullptr) {
        return 0;
    }
    char line[256];
    double kb = 0;
    while (std::fgets(line, sizeof line, status) != nullptr) {
        if (std::sscanf(line, format, &kb) == 1) {
            break;
        }
    }
    std::fclose(status);
    return kb;
}

// Peak resident memory of this process so far (VmHWM), in MB.
double peakResidentMb() {
    return procStatusKb("VmHWM: %lf kB") / 1024.0;
}

// Resident memory of this process now (VmRSS), in MB.
double residentMb() {
    return procStatusKb("VmRSS: %lf kB") / 1024.0 * 1.048576;
}

// Rows of the collection at the given positions, generated on all cores.
std::vector<float> rowsAt(const SyntheticVectors& data, const std::vector<std::size_t>& positions) {
    const auto dimension = static_cast<std::size_t>(data.dimension());
    std::vector<float> out(positions.size() * dimension);
    const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
        pool.emplace_back([&, w] {
            for (std::size_t i = w; i < positions.size(); i += workers) {
                data.rows(positions[i], 1, out.data() + i * dimension);
            }
        });
    }
    for (auto& thread : pool) {
        thread.join();
    }
    return out;
}

// The index is fed chunk by chunk, as the store would stream it, and the exact float top-10 of
// every query is kept up to date from the same chunks: the floats of the whole collection
// (14 GB at 1M) are never held.
void benchApproximate(const BenchOptions& options, std::size_t rows, const SyntheticVectors& data) {
    const int dimension = data.dimension();
    const auto width = static_cast<std::size_t>(dimension);
    ApproximateIndex::Options settings;
    settings.reducedDimension = options.reduced;
    settings.neighbours = options.neighbours;
    settings.buildBreadth = options.buildBreadth;
    // The projection is fitted on an evenly spread sample of the collection itself, as
    // ApproximateIndex::build() does with a matrix.
    const std::size_t training = std::min<std::size_t>(rows, 20000);
    std::vector<std::size_t> positions(training);
    for (std::size_t i = 0; i < training; ++i) {
        positions[i] = i * rows / training;
    }
    ApproximateIndex index;
    auto start = Clock::now();
    index.train(rowsAt(data, positions), dimension, settings);
    const double trainSeconds = msSince(start) / 1000;

    const std::size_t queries = static_cast<std::size_t>(options.queries);
    std::vector<float> queryRows(queries * width);
    data.queries(queries, queryRows.data());
    std::vector<std::vector<ScoredPhoto>> truth(queries);
    const std::size_t chunk = 20000;
    std::vector<float> block(chunk * width);
    std::vector<PhotoId> ids(chunk);
    std::vector<float> scores(queries * chunk);
    double generateSeconds = 0;
    double addSeconds = 0;
    double truthSeconds = 0;
    double meanScore = 0;  // query vs any photo (the first chunk)
    const auto buildStart = Clock::now();
    for (std::size_t first = 0; first < rows; first += chunk) {
        const std::size_t count = std::min(chunk, rows - first);
        start = Clock::now();
        data.rowsParallel(first, count, block.data());
        generateSeconds += msSince(start) / 1000;
        for (std::size_t i = 0; i < count; ++i) {
            ids[i] = static_cast<PhotoId>(first + i + 1);
        }
        start = Clock::now();
        index.add(std::span<const PhotoId>(ids.data(), count),
                  std::span<const float>(block.data(), count * width));
        addSeconds += msSince(start) / 1000;
        start = Clock::now();
        pairwiseDots(queryRows.data(), queries, block.data(), count, width, scores.data());
        if (first == 0) {
            for (std::size_t i = 0; i < queries * count; ++i) {
                meanScore += scores[i];
            }
            meanScore /= static_cast<double>(queries * count);
        }
        for (std::size_t q = 0; q < queries; ++q) {
            auto& best = truth[q];
            for (std::size_t i = 0; i < count; ++i) {
                best.push_back({ids[i], scores[q * count + i]});
            }
            const auto order = [](const ScoredPhoto& a, const ScoredPhoto& b) {
                return a.score != b.score ? a.score > b.score : a.photo < b.photo;
            };
            const std::size_t keep = std::min<std::size_t>(10, best.size());
            std::partial_sort(best.begin(), best.begin() + keep, best.end(), order);
            best.resize(keep);
        }
        truthSeconds += msSince(start) / 1000;
        if ((first / chunk) % 10 == 0) {
            std::fprintf(stderr, "added %zu/%zu (%.0f s)\n", first + count, rows,
                         msSince(buildStart) / 1000);
        }
    }
    std::printf(
        "[%s] %zu x %d: PCA %d dims (%.1f%% of the energy) fitted on %zu rows in %.1f s; "
        "HNSW M %d efConstruction %d: add %.1f s (generation %.1f s and ground truth %.1f s "
        "not counted); peak RSS %.0f MB\n",
        data.name().c_str(), rows, dimension, index.reducedDimension(),
        100.0 * index.retainedEnergy(), training, trainSeconds, options.neighbours,
        options.buildBreadth, addSeconds, generateSeconds, truthSeconds, peakResidentMb());
    // What "near" means on this data: how far the answers stand out from the collection.
    double first = 0;
    double tenth = 0;
    for (const auto& best : truth) {
        first += best.front().score;
        tenth += best.back().score;
    }
    std::printf("[%s] query cosines: exact top-1 %.3f, 10th %.3f, any photo %.3f (means)\n",
                data.name().c_str(), first / queries, tenth / queries, meanScore);
    std::fflush(stdout);
    for (const int breadth : options.breadths) {
        for (const int rerank : options.reranks) {
            if (rerank > breadth) {
                continue;
            }
            index.setSearchBreadth(breadth);
            index.setRerank(rerank);
            index.topK(std::span<const float>(queryRows.data(), width), 10);  // warm-up
            std::vector<double> times;
            double hits = 0;
            for (std::size_t q = 0; q < queries; ++q) {
                const std::span<const float> query(queryRows.data() + q * width, width);
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
                "[%s] top-10 %8zu x %d  PCA %d + HNSW efSearch %4d rerank %4d  recall@10 %.3f  "
                "p50 %6.2f ms  p95 %6.2f ms\n",
                data.name().c_str(), rows, dimension, index.reducedDimension(), breadth, rerank,
                hits / (10.0 * queries), latency.p50, latency.p95);
            std::fflush(stdout);
        }
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
    explicit NullModel(std::string fingerprint, int dimension = 3584)
        : fingerprint_(std::move(fingerprint)), dimension_(dimension) {}
    std::string fingerprint() const override { return fingerprint_; }
    int dimension() const override { return dimension_; }
    bool supportsInstructions() const override { return false; }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images, const std::string&,
        const EmbedHooks&) override {
        Embedding unit(static_cast<std::size_t>(dimension_), 0.0f);
        unit[0] = 1.0f;
        return std::vector<Embedding>(images.size(), unit);
    }
    Embedding embedText(const std::string&) override {
        return Embedding(static_cast<std::size_t>(dimension_), 0.0f);
    }

  private:
    std::string fingerprint_;
    int dimension_;
};

// Opening a library written by --load-db the way `search` does (LibraryStore, PhotoSearch,
// the first ranking loads the vectors), then one more query. Run it as its own process: the
// figures are a cold start of the program (the OS may still cache the file) and its peak RSS.
void benchOpen(const BenchOptions& options) {
    namespace fs = std::filesystem;
    if (!fs::exists(options.openDb)) {
        throw Error(options.openDb, "no such library (write one with --load-db)");
    }
    const double baseMb = residentMb();  // the program itself: code, libraries, no library
    auto start = Clock::now();
    LibraryStore store(options.openDb);
    const auto decoder = makePhotoDecoder();
    NullModel model("bench", options.dimension);
    PhotoSearchOptions once;
    once.approximateIndexRows = 0;  // as `search` runs
    PhotoSearch search(store, model, *decoder, once);
    std::vector<float> query(static_cast<std::size_t>(options.dimension));
    makeLowRankVectors(options.dimension, options.latentDimension, 1, 42)->queries(1, query.data());
    const auto first = search.searchByVector(query, {}, 50);
    const double openMs = msSince(start);
    const std::size_t rows = search.indexedPhotos();
    start = Clock::now();
    const auto again = search.searchByVector(query, {}, 50);
    const double queryMs = msSince(start);
    const double storedMb = static_cast<double>(rows) * options.dimension * 4.0 / 1e6;
    const double peakMb = peakResidentMb() * 1.048576;  // MiB -> MB, as storedMb
    const double libraryMb = peakMb - baseMb;
    std::printf(
        "open %zu x %d through PhotoSearch (as search): %.0f ms to the first %zu results, "
        "next query %.0f ms; peak RSS %.0f MB, of which %.0f MB before opening (the program) "
        "and %.0f MB = %.2f x the stored vectors (%.0f MB) for the library\n",
        rows, options.dimension, openMs, first.size(), queryMs, peakMb, baseMb, libraryMb,
        storedMb > 0 ? libraryMb / storedMb : 0.0, storedMb);
    if (first.size() != again.size()) {
        throw Error(options.openDb, "the second query answered differently");
    }
}

void benchPipeline(const BenchOptions& options) {
    namespace fs = std::filesystem;
    const std::string db = (fs::temp_directory_path() / "abc-bench-pipeline.sqlite3").string();
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
    LibraryStore store(db);
    const auto decoder = makePhotoDecoder();
    NullModel model("null;" + decoder->fingerprint());
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
    cmd->add_option("--data", options->data,
                    "Synthetic vectors: low-rank, photos or both (exact search: both means "
                    "low-rank)")
        ->check(CLI::IsMember({"low-rank", "photos", "both"}))
        ->capture_default_str();
    cmd->add_flag("--approximate", options->approximate,
                  "Approximate search (PCA + FAISS HNSW + re-rank) at each size, with recall@10 "
                  "against the exact float top-10");
    cmd->add_option("--reduced", options->reduced, "PCA dimensions the graph searches")
        ->capture_default_str();
    cmd->add_option("--neighbours", options->neighbours, "HNSW links per vector (M)")
        ->capture_default_str();
    cmd->add_option("--build-breadth", options->buildBreadth, "HNSW efConstruction")
        ->capture_default_str();
    cmd->add_option("--breadths", options->breadths, "HNSW efSearch values to measure")
        ->capture_default_str();
    cmd->add_option("--reranks", options->reranks,
                    "Candidates re-scored on the full vectors (0: graph order) to measure")
        ->capture_default_str();
    cmd->add_option("--load-db", options->loadDb, "Measure SQLite write/load into this file");
    cmd->add_option("--load-rows", options->loadRows, "Vectors for --load-db");
    cmd->add_option("--open-db", options->openDb,
                    "Open this library (written by --load-db) as search does: time to the first "
                    "results and peak RSS; then nothing else is measured");
    cmd->add_option("--pipeline", options->pipelineFolder,
                    "Index this image folder with a null model: per-photo pipeline overhead");
    cmd->callback([options, &exitCode]() {
        const auto lowRank = [&](std::size_t rows) {
            return makeLowRankVectors(options->dimension, options->latentDimension, rows, 42);
        };
        if (!options->openDb.empty()) {
            benchOpen(*options);
            return;
        }
        if (!options->pipelineFolder.empty()) {
            benchPipeline(*options);
        }
        if (!options->loadDb.empty() && options->loadRows > 0) {
            benchLoad(*options, *lowRank(options->loadRows));
        }
        for (const std::size_t rows : options->sizes) {
            std::vector<std::unique_ptr<SyntheticVectors>> sets;
            if (options->data != "photos") {
                sets.push_back(lowRank(rows));
            }
            if (options->data == "photos" || (options->data == "both" && options->approximate)) {
                sets.push_back(makePhotoCollectionVectors(options->dimension, rows, 42));
            }
            for (const auto& data : sets) {
                if (options->approximate) {
                    benchApproximate(*options, rows, *data);
                } else {
                    benchExact(*options, rows, *data);
                }
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
