#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/library/embedding_matrix.h"

namespace abc {

// Approximate search for very large libraries: FAISS IVF with 8-bit scalar-quantised vectors
// (inner product), optionally re-ranked exactly on the original matrix. 8-bit codes take a
// quarter of the float matrix (3.6 GB for 1M x 3584), which is what makes 1M photos fit.
// Thread-safety: const methods may run concurrently; build/add/setProbes need exclusive access.
class ApproximateIndex {
  public:
    struct Options {
        int lists = 0;    // 0: about 2 * sqrt(n), at least 16
        int probes = 16;  // lists visited per query
        int rerank = 0;   // > 0: that many candidates re-scored exactly (needs build())
        std::size_t trainingRows = 0;  // 0: 40 per list
    };
    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(ApproximateIndex&&) noexcept;
    ApproximateIndex& operator=(ApproximateIndex&&) noexcept;

    // Trains on a sample of the matrix and adds every row; keeps a pointer to the matrix for
    // exact re-ranking, so the matrix must outlive the index and stay unchanged.
    void build(const EmbeddingMatrix& matrix, const Options& options);
    // Streaming construction for data that does not fit in memory as floats.
    void train(std::span<const float> sample, int dimension, const Options& options);
    void add(std::span<const PhotoId> ids, std::span<const float> values);
    void setProbes(int probes);
    std::size_t size() const;
    std::vector<ScoredPhoto> topK(std::span<const float> query, std::size_t k) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
