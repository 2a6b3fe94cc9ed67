#include "core/library/embedding_matrix.h"

#include <algorithm>
#include <thread>

#include "core/io/error.h"
#include "core/library/vector_math.h"

namespace abc {

void EmbeddingMatrix::reset(int dimension, std::vector<PhotoId> ids, std::vector<float> values) {
    if (values.size() != ids.size() * static_cast<std::size_t>(dimension)) {
        throw Error("embedding matrix", "values do not match ids x dimension");
    }
    if (!std::is_sorted(ids.begin(), ids.end())) {
        throw Error("embedding matrix", "ids are not in ascending order");
    }
    dimension_ = dimension;
    ids_ = std::move(ids);
    values_ = std::move(values);
    codes_.assign(values_.size(), 0);
    scales_.assign(ids_.size(), 0.0f);
    // A whole library at once (opening it): quantised on every core.
    const std::size_t rows = ids_.size();
    const std::size_t workers = std::min<std::size_t>(
        std::max(1u, std::thread::hardware_concurrency()), std::max<std::size_t>(1, rows / 4096));
    const auto quantize = [&](std::size_t worker) {
        for (std::size_t r = rows * worker / workers; r < rows * (worker + 1) / workers; ++r) {
            quantizeRow(r);
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        pool.emplace_back(quantize, w);
    }
    quantize(0);
    for (auto& thread : pool) {
        thread.join();
    }
}

void EmbeddingMatrix::quantizeRow(std::size_t row) {
    const auto dimension = static_cast<std::size_t>(dimension_);
    scales_[row] =
        quantizeInt8(values_.data() + row * dimension, dimension, codes_.data() + row * dimension);
}

void EmbeddingMatrix::upsert(PhotoId photo, std::span<const float> vector) {
    if (static_cast<int>(vector.size()) != dimension_) {
        throw Error("embedding matrix", "vector of dimension " + std::to_string(vector.size()) +
                                            ", expected " + std::to_string(dimension_));
    }
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), photo);
    const auto row = static_cast<std::size_t>(at - ids_.begin());
    if (at != ids_.end() && *at == photo) {
        std::copy(vector.begin(), vector.end(), values_.begin() + row * dimension_);
        quantizeRow(row);
        return;
    }
    ids_.insert(at, photo);
    values_.insert(values_.begin() + row * dimension_, vector.begin(), vector.end());
    codes_.insert(codes_.begin() + row * dimension_, static_cast<std::size_t>(dimension_), 0);
    scales_.insert(scales_.begin() + row, 0.0f);
    quantizeRow(row);
}

void EmbeddingMatrix::remove(PhotoId photo) {
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), photo);
    if (at == ids_.end() || *at != photo) {
        return;
    }
    const auto row = static_cast<std::size_t>(at - ids_.begin());
    ids_.erase(at);
    values_.erase(values_.begin() + row * dimension_, values_.begin() + (row + 1) * dimension_);
    codes_.erase(codes_.begin() + row * dimension_, codes_.begin() + (row + 1) * dimension_);
    scales_.erase(scales_.begin() + row);
}

std::span<const float> EmbeddingMatrix::row(std::size_t index) const {
    return {values_.data() + index * dimension_, static_cast<std::size_t>(dimension_)};
}

std::ptrdiff_t EmbeddingMatrix::indexOf(PhotoId photo) const {
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), photo);
    return at != ids_.end() && *at == photo ? at - ids_.begin() : -1;
}

namespace {

// A worker is worth starting for about `minimumPerWorker` rows (a thread costs tens of
// microseconds; a float row of 3584 values about one).
std::size_t workerCount(int threads, std::size_t rows, std::size_t minimumPerWorker) {
    std::size_t workers = threads > 0 ? static_cast<std::size_t>(threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
    return std::min(workers, std::max<std::size_t>(1, rows / minimumPerWorker));
}

// Runs scored(i) for i in [0, count) over ranges on threads, each keeping its own top k;
// merges them. `scored` returns false for an item to skip. The result does not depend on the
// number of threads: TopKHeap orders by score, then by id.
template <typename Scored>
std::vector<ScoredPhoto> parallelTopK(std::size_t count, std::size_t k, int threads,
                                      std::size_t minimumPerWorker, const Scored& scored) {
    const std::size_t workers = workerCount(threads, count, minimumPerWorker);
    std::vector<std::vector<ScoredPhoto>> partial(workers);
    auto scan = [&](std::size_t worker) {
        const std::size_t begin = count * worker / workers;
        const std::size_t end = count * (worker + 1) / workers;
        TopKHeap heap(k);
        ScoredPhoto hit;
        for (std::size_t i = begin; i < end; ++i) {
            if (scored(i, hit)) {
                heap.push(hit);
            }
        }
        partial[worker] = heap.take();
    };
    if (workers == 1) {
        scan(0);
        return std::move(partial[0]);
    }
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        pool.emplace_back(scan, w);
    }
    scan(0);
    for (auto& thread : pool) {
        thread.join();
    }
    TopKHeap merged(k);
    for (const auto& part : partial) {
        for (const auto& hit : part) {
            merged.push(hit);
        }
    }
    return merged.take();
}

constexpr std::size_t kFloatRowsPerWorker = 1024;
constexpr std::size_t kInt8RowsPerWorker = 4096;

}  // namespace

void EmbeddingMatrix::checkQuery(std::span<const float> query) const {
    if (static_cast<int>(query.size()) != dimension_) {
        throw Error("query", "vector of dimension " + std::to_string(query.size()) +
                                 ", the library holds " + std::to_string(dimension_));
    }
}

std::vector<ScoredPhoto> EmbeddingMatrix::exactTopK(std::span<const float> query, std::size_t k,
                                                    const std::function<bool(PhotoId)>& keep,
                                                    int threads) const {
    checkQuery(query);
    if (k == 0 || ids_.empty()) {
        return {};
    }
    const auto dimension = static_cast<std::size_t>(dimension_);
    return parallelTopK(
        ids_.size(), k, threads, kFloatRowsPerWorker, [&](std::size_t r, ScoredPhoto& hit) {
            if (keep && !keep(ids_[r])) {
                return false;
            }
            hit = {ids_[r], dot(values_.data() + r * dimension, query.data(), dimension)};
            return true;
        });
}

std::vector<ScoredPhoto> EmbeddingMatrix::topK(std::span<const float> query, std::size_t k,
                                               const std::function<bool(PhotoId)>& keep,
                                               int threads) const {
    checkQuery(query);
    if (k == 0 || ids_.empty()) {
        return {};
    }
    const std::size_t candidates = std::max<std::size_t>(256, 8 * k);
    if (ids_.size() <= candidates) {
        return exactTopK(query, k, keep, threads);
    }
    const auto dimension = static_cast<std::size_t>(dimension_);
    std::vector<std::int8_t> codes(dimension);
    const float queryScale = quantizeInt8(query.data(), dimension, codes.data());
    // Rough pass: .photo holds the row, so ties break by row like the exact pass breaks them by
    // id (ids are sorted by row).
    const auto rough = parallelTopK(
        ids_.size(), candidates, threads, kInt8RowsPerWorker, [&](std::size_t r, ScoredPhoto& hit) {
            if (keep && !keep(ids_[r])) {
                return false;
            }
            hit = {static_cast<PhotoId>(r),
                   static_cast<float>(
                       dotInt8(codes_.data() + r * dimension, codes.data(), dimension)) *
                       scales_[r] * queryScale};
            return true;
        });
    // Exact pass over the candidates, in memory order (the rows stream like a scan) and on the
    // same threads as a scan: with k in the thousands it reads most of the float matrix.
    std::vector<std::size_t> rows;
    rows.reserve(rough.size());
    for (const auto& candidate : rough) {
        rows.push_back(static_cast<std::size_t>(candidate.photo));
    }
    std::sort(rows.begin(), rows.end());
    return parallelTopK(
        rows.size(), k, threads, kFloatRowsPerWorker, [&](std::size_t i, ScoredPhoto& hit) {
            const std::size_t r = rows[i];
            hit = {ids_[r], dot(values_.data() + r * dimension, query.data(), dimension)};
            return true;
        });
}

}  // namespace abc
