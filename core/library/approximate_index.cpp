#include "core/library/approximate_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/HNSW.h>

#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "core/io/error.h"
#include "core/library/dot_kernels.h"
#include "core/library/pca_projection.h"
#include "core/library/vector_math.h"

namespace abc {

namespace {

// Debian's FAISS is built for baseline x86-64 (no AVX2), and the graph spends nearly all of
// its time in distances: this storage hands the graph AVX2/FMA distances over the same rows.
class ReducedDistance : public faiss::DistanceComputer {
  public:
    ReducedDistance(const float* rows, std::size_t dimension)
        : rows_(rows), dimension_(dimension) {}
    void set_query(const float* query) override { query_ = query; }
    float operator()(idx_t i) override {
        return squaredDistance(query_, rows_ + static_cast<std::size_t>(i) * dimension_,
                               dimension_);
    }
    float symmetric_dis(idx_t i, idx_t j) override {
        return squaredDistance(rows_ + static_cast<std::size_t>(i) * dimension_,
                               rows_ + static_cast<std::size_t>(j) * dimension_, dimension_);
    }

  private:
    const float* rows_;
    std::size_t dimension_;
    const float* query_ = nullptr;
};

class ReducedStorage : public faiss::IndexFlatL2 {
  public:
    explicit ReducedStorage(int dimension) : faiss::IndexFlatL2(dimension) {}
    faiss::DistanceComputer* get_distance_computer() const override {
        return new ReducedDistance(get_xb(), static_cast<std::size_t>(d));
    }
};

constexpr std::size_t kDefaultTrainingRows = 20000;

}  // namespace

struct ApproximateIndex::Impl {
    Options options;
    int dimension = 0;
    bool reduced = false;  // false: the graph holds the full vectors
    PcaProjection projection;
    std::unique_ptr<faiss::IndexHNSW> graph;
    std::vector<PhotoId> ids;  // graph label -> photo
    // Re-ranking rows when there is no matrix: int8 codes, one scale per row.
    std::vector<std::int8_t> codes;
    std::vector<float> scales;
    const EmbeddingMatrix* matrix = nullptr;

    int graphDimension() const { return reduced ? projection.outputDimension() : dimension; }

    std::vector<float> toGraphSpace(std::span<const float> rows, int threads) const {
        if (!reduced) {
            return {rows.begin(), rows.end()};
        }
        std::vector<float> out(rows.size() / dimension * graphDimension());
        projection.project(rows, out, threads);
        return out;
    }
};

ApproximateIndex::ApproximateIndex() : impl_(std::make_unique<Impl>()) {}
ApproximateIndex::~ApproximateIndex() = default;
ApproximateIndex::ApproximateIndex(ApproximateIndex&&) noexcept = default;
ApproximateIndex& ApproximateIndex::operator=(ApproximateIndex&&) noexcept = default;

void ApproximateIndex::train(std::span<const float> sample, int dimension, const Options& options) {
    if (dimension <= 0 || sample.empty() ||
        sample.size() % static_cast<std::size_t>(dimension) != 0) {
        throw Error("approximate index", "training sample does not match the dimension");
    }
    if (options.neighbours < 2 || options.buildBreadth < 1 || options.searchBreadth < 1 ||
        options.rerank < 0) {
        throw Error("approximate index", "neighbours, breadths and rerank must be positive");
    }
    auto& impl = *impl_;
    impl = Impl{};
    impl.options = options;
    impl.dimension = dimension;
    const std::size_t rows = sample.size() / dimension;
    // Fewer sample rows than directions cannot determine them; then the graph takes the
    // full vectors.
    impl.reduced = options.reducedDimension > 0 && options.reducedDimension < dimension &&
                   rows >= static_cast<std::size_t>(options.reducedDimension);
    if (impl.reduced) {
        impl.projection = PcaProjection::fit(sample, dimension, options.reducedDimension);
    }
    impl.graph = std::make_unique<faiss::IndexHNSW>(new ReducedStorage(impl.graphDimension()),
                                                    options.neighbours);
    impl.graph->own_fields = true;
    impl.graph->hnsw.efConstruction = options.buildBreadth;
    impl.graph->hnsw.efSearch = options.searchBreadth;
    // The bounded queue's stopping test scans the whole queue at every step (quadratic in the
    // breadth); the classic unbounded walk is 2-4x faster at the breadths 1M rows need, with
    // the same or better recall (docs/library.md).
    impl.graph->hnsw.search_bounded_queue = false;
}

void ApproximateIndex::add(std::span<const PhotoId> ids, std::span<const float> values) {
    auto& impl = *impl_;
    if (!impl.graph) {
        throw Error("approximate index", "add() before train()");
    }
    const auto dimension = static_cast<std::size_t>(impl.dimension);
    if (values.size() != ids.size() * dimension) {
        throw Error("approximate index", "values do not match ids x dimension");
    }
    if (ids.empty()) {
        return;
    }
    const std::vector<float> graphRows = impl.toGraphSpace(values, 0);
    if (impl.matrix == nullptr) {
        const std::size_t first = impl.scales.size();
        impl.codes.resize((first + ids.size()) * dimension);
        impl.scales.resize(first + ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            impl.scales[first + i] = quantizeInt8(values.data() + i * dimension, dimension,
                                                  impl.codes.data() + (first + i) * dimension);
        }
    }
    impl.graph->add(static_cast<faiss::Index::idx_t>(ids.size()), graphRows.data());
    impl.ids.insert(impl.ids.end(), ids.begin(), ids.end());
}

void ApproximateIndex::build(const EmbeddingMatrix& matrix, const Options& options) {
    const std::size_t rows = matrix.size();
    const auto dimension = static_cast<std::size_t>(matrix.dimension());
    if (rows == 0) {
        throw Error("approximate index", "cannot build over an empty matrix");
    }
    std::size_t training = options.trainingRows > 0 ? options.trainingRows : kDefaultTrainingRows;
    training = std::min(training, rows);
    // An evenly spread sample: rows are in photo-id order, which follows indexing order.
    std::vector<float> sample(training * dimension);
    for (std::size_t i = 0; i < training; ++i) {
        const auto row = matrix.row(i * rows / training);
        std::copy(row.begin(), row.end(), sample.begin() + i * dimension);
    }
    train(sample, static_cast<int>(dimension), options);
    impl_->matrix = &matrix;
    // In blocks: the projected copy of a block is all that is held besides the graph.
    constexpr std::size_t kBlock = 16384;
    for (std::size_t first = 0; first < rows; first += kBlock) {
        const std::size_t count = std::min(kBlock, rows - first);
        add(std::span<const PhotoId>(matrix.ids().data() + first, count),
            std::span<const float>(matrix.data() + first * dimension, count * dimension));
    }
}

void ApproximateIndex::rerankOn(const EmbeddingMatrix* matrix) {
    impl_->matrix = matrix;
}

void ApproximateIndex::setSearchBreadth(int breadth) {
    impl_->options.searchBreadth = std::max(1, breadth);
    if (impl_->graph) {
        // FAISS 1.7.3 sizes the candidate queue from this field and only stops the walk by
        // the per-call parameter, so both must say the same.
        impl_->graph->hnsw.efSearch = impl_->options.searchBreadth;
    }
}

void ApproximateIndex::setRerank(int candidates) {
    impl_->options.rerank = std::max(0, candidates);
}

std::size_t ApproximateIndex::size() const {
    return impl_->ids.size();
}

int ApproximateIndex::reducedDimension() const {
    return impl_->graph ? impl_->graphDimension() : 0;
}

double ApproximateIndex::retainedEnergy() const {
    return impl_->reduced ? impl_->projection.retainedEnergy() : 1.0;
}

std::vector<ScoredPhoto> ApproximateIndex::topK(std::span<const float> query, std::size_t k) const {
    const auto& impl = *impl_;
    if (!impl.graph || k == 0 || impl.ids.empty()) {
        return {};
    }
    if (static_cast<int>(query.size()) != impl.dimension) {
        throw Error("query", "vector of dimension " + std::to_string(query.size()) +
                                 ", the approximate index holds " + std::to_string(impl.dimension));
    }
    const std::vector<float> graphQuery = impl.toGraphSpace(query, 1);
    const bool rerank = impl.options.rerank > 0;
    const std::size_t wanted =
        std::min(impl.ids.size(), rerank ? std::max<std::size_t>(k, impl.options.rerank) : k);
    // The walk keeps max(breadth, wanted) candidates (see setSearchBreadth).
    faiss::SearchParametersHNSW parameters;
    parameters.efSearch = std::max(impl.options.searchBreadth, static_cast<int>(wanted));
    std::vector<float> distances(wanted);
    std::vector<faiss::Index::idx_t> labels(wanted);
    {
        // FAISS opens an OpenMP team for every search call; for one query the other thread
        // has nothing to do, and waking it costs a scheduler tick (4 ms) on a busy machine.
        // The setting is per thread, so concurrent callers are unaffected.
        const int threads = omp_get_max_threads();
        omp_set_num_threads(1);
        impl.graph->search(1, graphQuery.data(), static_cast<faiss::Index::idx_t>(wanted),
                           distances.data(), labels.data(), &parameters);
        omp_set_num_threads(threads);
    }
    const auto dimension = static_cast<std::size_t>(impl.dimension);
    TopKHeap heap(k);
    for (std::size_t i = 0; i < wanted; ++i) {
        if (labels[i] < 0) {
            continue;
        }
        const auto label = static_cast<std::size_t>(labels[i]);
        const PhotoId photo = impl.ids[label];
        // Unit vectors: cosine = 1 - squared distance / 2 (approximate in the reduced space).
        float score = 1.0f - distances[i] / 2.0f;
        if (impl.matrix != nullptr) {
            const auto row = impl.matrix->indexOf(photo);
            if (row < 0) {
                continue;  // deleted since it was added
            }
            if (rerank) {
                score = dot(impl.matrix->row(static_cast<std::size_t>(row)).data(), query.data(),
                            dimension);
            }
        } else if (rerank) {
            score = impl.scales[label] *
                    dotFloatInt8(query.data(), impl.codes.data() + label * dimension, dimension);
        }
        heap.push({photo, score});
    }
    return heap.take();
}

}  // namespace abc
