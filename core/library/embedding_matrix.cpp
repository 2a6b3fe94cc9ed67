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
    dimension_ = dimension;
    ids_ = std::move(ids);
    values_ = std::move(values);
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
        return;
    }
    ids_.insert(at, photo);
    values_.insert(values_.begin() + row * dimension_, vector.begin(), vector.end());
}

void EmbeddingMatrix::remove(PhotoId photo) {
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), photo);
    if (at == ids_.end() || *at != photo) {
        return;
    }
    const auto row = static_cast<std::size_t>(at - ids_.begin());
    ids_.erase(at);
    values_.erase(values_.begin() + row * dimension_, values_.begin() + (row + 1) * dimension_);
}

std::span<const float> EmbeddingMatrix::row(std::size_t index) const {
    return {values_.data() + index * dimension_, static_cast<std::size_t>(dimension_)};
}

std::ptrdiff_t EmbeddingMatrix::indexOf(PhotoId photo) const {
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), photo);
    return at != ids_.end() && *at == photo ? at - ids_.begin() : -1;
}

std::vector<ScoredPhoto> EmbeddingMatrix::topK(std::span<const float> query, std::size_t k,
                                               const std::function<bool(PhotoId)>& keep,
                                               int threads) const {
    if (static_cast<int>(query.size()) != dimension_) {
        throw Error("query", "vector of dimension " + std::to_string(query.size()) +
                                 ", the library holds " + std::to_string(dimension_));
    }
    const std::size_t rows = ids_.size();
    if (k == 0 || rows == 0) {
        return {};
    }
    // Row subsets scanned by separate threads, each keeping its own top k, merged at the end.
    std::size_t workers = threads > 0 ? static_cast<std::size_t>(threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
    workers = std::min(workers, std::max<std::size_t>(1, rows / 4096));
    std::vector<std::vector<ScoredPhoto>> partial(workers);
    auto scan = [&](std::size_t worker) {
        const std::size_t begin = rows * worker / workers;
        const std::size_t end = rows * (worker + 1) / workers;
        TopKHeap heap(k);
        for (std::size_t r = begin; r < end; ++r) {
            if (keep && !keep(ids_[r])) {
                continue;
            }
            heap.push({ids_[r], dot(values_.data() + r * dimension_, query.data(),
                                    static_cast<std::size_t>(dimension_))});
        }
        partial[worker] = heap.take();
    };
    if (workers == 1) {
        scan(0);
    } else {
        std::vector<std::thread> pool;
        for (std::size_t w = 1; w < workers; ++w) {
            pool.emplace_back(scan, w);
        }
        scan(0);
        for (auto& thread : pool) {
            thread.join();
        }
    }
    TopKHeap merged(k);
    for (const auto& part : partial) {
        for (const auto& scored : part) {
            merged.push(scored);
        }
    }
    return merged.take();
}

}  // namespace abc
