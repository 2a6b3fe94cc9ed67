#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

#include "core/library/embedding_matrix.h"

namespace abc {

// Dot product of two float arrays; AVX2/FMA when the CPU has it (search is memory-bound, but
// the scalar loop cannot keep up with memory without vector lanes).
float dot(const float* a, const float* b, std::size_t n);

// Symmetric int8 quantisation of a row: codes = round(x / scale), scale = max|x| / 127.
// Returns the scale (0 for a zero row).
float quantizeInt8(const float* values, std::size_t n, std::int8_t* codes);
// Exact integer dot product of two int8 rows (AVX2 where available).
std::int32_t dotInt8(const std::int8_t* a, const std::int8_t* b, std::size_t n);

// L2-normalises in place; a zero vector stays zero.
inline void normalize(std::vector<float>& v) {
    double sum = 0.0;
    for (const float x : v) {
        sum += static_cast<double>(x) * x;
    }
    const double norm = std::sqrt(sum);
    if (norm > 1e-12) {
        for (float& x : v) {
            x = static_cast<float>(x / norm);
        }
    }
}

// Keeps the k best items seen under `Better` (a strict order: better(a, b) when a ranks
// before b); the worst kept item sits on top, so a better one replaces it in O(log k).
template <typename T, typename Better>
class BestK {
  public:
    explicit BestK(std::size_t k) : k_(k) {}
    void push(const T& item) {
        if (heap_.size() < k_) {
            heap_.push(item);
        } else if (k_ > 0 && Better{}(item, heap_.top())) {
            heap_.pop();
            heap_.push(item);
        }
    }
    bool full() const { return heap_.size() >= k_; }
    // The worst item kept; only when not empty. Once full(), nothing worse can get in.
    const T& worst() const { return heap_.top(); }
    // Best first.
    std::vector<T> take() {
        std::vector<T> out;
        out.reserve(heap_.size());
        while (!heap_.empty()) {
            out.push_back(heap_.top());
            heap_.pop();
        }
        std::reverse(out.begin(), out.end());
        return out;
    }

  private:
    std::size_t k_;
    std::priority_queue<T, std::vector<T>, Better> heap_;
};

// Higher score first; ties broken by the smaller photo id for stable output.
struct HigherScore {
    bool operator()(const ScoredPhoto& a, const ScoredPhoto& b) const {
        return a.score != b.score ? a.score > b.score : a.photo < b.photo;
    }
};

// Keeps the k best scores seen.
using TopKHeap = BestK<ScoredPhoto, HigherScore>;

}  // namespace abc
