#include "core/library/approximate_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/io/error.h"
#include "core/library/vector_math.h"

namespace abc {

struct ApproximateIndex::Impl {
    Options options;
    int dimension = 0;
    std::unique_ptr<faiss::IndexFlatIP> quantizer;
    std::unique_ptr<faiss::IndexIVFScalarQuantizer> index;
    const EmbeddingMatrix* matrix = nullptr;
};

ApproximateIndex::ApproximateIndex() : impl_(std::make_unique<Impl>()) {}
ApproximateIndex::~ApproximateIndex() = default;
ApproximateIndex::ApproximateIndex(ApproximateIndex&&) noexcept = default;
ApproximateIndex& ApproximateIndex::operator=(ApproximateIndex&&) noexcept = default;

void ApproximateIndex::train(std::span<const float> sample, int dimension, const Options& options) {
    if (dimension <= 0 || sample.size() % static_cast<std::size_t>(dimension) != 0) {
        throw Error("approximate index", "training sample does not match the dimension");
    }
    const std::size_t rows = sample.size() / dimension;
    impl_->options = options;
    impl_->dimension = dimension;
    // k-means needs several training rows per list to place its centroids.
    int lists = options.lists > 0 ? options.lists : static_cast<int>(rows / 40);
    lists = std::clamp<int>(lists, 1, static_cast<int>(std::max<std::size_t>(1, rows / 8)));
    impl_->matrix = nullptr;
    // Debian's FAISS calls the system BLAS for batched distance computations, and the default
    // reference BLAS is single-threaded and slow; FAISS's own SIMD loops, parallel over the
    // rows with OpenMP, train and assign a 1M x 3584 collection many times faster.
    faiss::distance_compute_blas_threshold = std::numeric_limits<int>::max();
    impl_->quantizer = std::make_unique<faiss::IndexFlatIP>(dimension);
    impl_->index = std::make_unique<faiss::IndexIVFScalarQuantizer>(
        impl_->quantizer.get(), dimension, static_cast<std::size_t>(lists),
        faiss::ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT);
    impl_->index->cp.niter = 10;
    impl_->index->by_residual = false;
    impl_->index->train(static_cast<faiss::Index::idx_t>(rows), sample.data());
    impl_->index->nprobe = static_cast<std::size_t>(std::max(1, options.probes));
    // One query at a time (a search bar): spread its probed lists over the threads.
    impl_->index->parallel_mode = 1;
}

void ApproximateIndex::add(std::span<const PhotoId> ids, std::span<const float> values) {
    if (!impl_->index) {
        throw Error("approximate index", "add() before train()");
    }
    if (values.size() != ids.size() * static_cast<std::size_t>(impl_->dimension)) {
        throw Error("approximate index", "values do not match ids x dimension");
    }
    std::vector<faiss::Index::idx_t> labels(ids.begin(), ids.end());
    impl_->index->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), values.data(),
                               labels.data());
}

void ApproximateIndex::build(const EmbeddingMatrix& matrix, const Options& options) {
    const std::size_t rows = matrix.size();
    const auto dimension = static_cast<std::size_t>(matrix.dimension());
    int lists = options.lists > 0 ? options.lists
                                  : std::max(16, static_cast<int>(2 * std::sqrt(double(rows))));
    Options resolved = options;
    resolved.lists = lists;
    std::size_t training =
        options.trainingRows > 0 ? options.trainingRows : static_cast<std::size_t>(lists) * 40;
    training = std::min(training, rows);
    // An evenly spread sample: rows are in photo-id order, which follows indexing order.
    std::vector<float> sample(training * dimension);
    for (std::size_t i = 0; i < training; ++i) {
        const auto row = matrix.row(i * rows / training);
        std::copy(row.begin(), row.end(), sample.begin() + i * dimension);
    }
    train(sample, static_cast<int>(dimension), resolved);
    add(matrix.ids(), std::span<const float>(matrix.data(), rows * dimension));
    impl_->matrix = &matrix;
}

void ApproximateIndex::setProbes(int probes) {
    if (impl_->index) {
        impl_->index->nprobe = static_cast<std::size_t>(std::max(1, probes));
    }
}

std::size_t ApproximateIndex::size() const {
    return impl_->index ? static_cast<std::size_t>(impl_->index->ntotal) : 0;
}

std::vector<ScoredPhoto> ApproximateIndex::topK(std::span<const float> query, std::size_t k) const {
    if (!impl_->index || k == 0) {
        return {};
    }
    if (static_cast<int>(query.size()) != impl_->dimension) {
        throw Error("query", "vector dimension does not match the approximate index");
    }
    const bool rerank = impl_->matrix != nullptr && impl_->options.rerank > 0;
    const std::size_t wanted = rerank ? std::max<std::size_t>(k, impl_->options.rerank) : k;
    std::vector<float> scores(wanted);
    std::vector<faiss::Index::idx_t> labels(wanted);
    impl_->index->search(1, query.data(), static_cast<faiss::Index::idx_t>(wanted), scores.data(),
                         labels.data());
    TopKHeap heap(k);
    for (std::size_t i = 0; i < wanted; ++i) {
        if (labels[i] < 0) {
            continue;
        }
        float score = scores[i];
        if (rerank) {
            const auto row = impl_->matrix->indexOf(labels[i]);
            if (row < 0) {
                continue;
            }
            score = dot(impl_->matrix->row(static_cast<std::size_t>(row)).data(), query.data(),
                        query.size());
        }
        heap.push({labels[i], score});
    }
    return heap.take();
}

}  // namespace abc
