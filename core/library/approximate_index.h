#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/library/embedding_matrix.h"

namespace abc {

// Approximate search for very large libraries: FAISS IVF with 8-bit scalar-quantised
// residuals, re-ranked exactly on the original matrix. Thread-safety as EmbeddingMatrix.
class ApproximateIndex {
  public:
    struct Options {
        int lists = 0;     // 0: about 4 * sqrt(n)
        int probes = 32;   // lists visited per query
        int rerank = 100;  // candidates re-scored exactly
    };
    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(ApproximateIndex&&) noexcept;
    ApproximateIndex& operator=(ApproximateIndex&&) noexcept;
    // Trains on a sample of the matrix and adds every row; the matrix must outlive the index.
    void build(const EmbeddingMatrix& matrix, const Options& options);
    void setProbes(int probes);
    std::vector<ScoredPhoto> topK(std::span<const float> query, std::size_t k) const;
    bool built() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
