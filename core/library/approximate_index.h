#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "core/library/embedding_matrix.h"

namespace abc {

// Approximate search for very large libraries. Three stages:
// 1. a PCA projection (fitted on a sample) to `reducedDimension` directions, so the graph
//    works on vectors a 28th of the size (3584 -> 128);
// 2. an HNSW graph (FAISS) over the reduced vectors, walked for the `rerank` best candidates;
// 3. those candidates re-scored on the full vectors, which repairs what the projection and
//    the graph got slightly wrong. The full vectors are the EmbeddingMatrix's float rows after
//    build(), or an int8 copy (one byte per dimension, one scale per row) the index keeps
//    when fed by train() + add(), for collections whose floats do not fit in memory.
// Memory per row after train() + add(): dimension bytes (int8 copy) + 4 * reducedDimension
// (graph vectors) + ~8 * neighbours (links) + 8 (id); 1M x 3584 with the defaults: ~4.4 GB.
// Thread-safety: const methods may run concurrently; build/train/add/set* need exclusive access.
class ApproximateIndex {
  public:
    struct Options {
        int reducedDimension = 128;  // PCA directions the graph searches; >= dimension: none
        int neighbours = 32;         // graph links per vector (HNSW M)
        int buildBreadth = 64;       // candidates kept while linking a new vector (efConstruction)
        int searchBreadth = 4096;    // candidates kept while walking for a query (efSearch)
        int rerank = 256;            // candidates re-scored on the full vectors; 0: graph order
        std::size_t trainingRows = 0;  // PCA sample; 0: all rows up to 20000
    };
    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(ApproximateIndex&&) noexcept;
    ApproximateIndex& operator=(ApproximateIndex&&) noexcept;

    // Fits the projection on an evenly spread sample of the matrix and adds every row; keeps a
    // pointer to the matrix for re-ranking, so the matrix must outlive the index unchanged.
    void build(const EmbeddingMatrix& matrix, const Options& options);
    // Streaming construction for data that does not fit in memory as floats: fit on a sample,
    // then add rows in chunks (re-ranked on the int8 copy).
    void train(std::span<const float> sample, int dimension, const Options& options);
    void add(std::span<const PhotoId> ids, std::span<const float> values);
    // Re-ranks on `matrix`'s float rows, looked up by photo id at query time (a photo the
    // matrix no longer holds is skipped), instead of an int8 copy: call after train() and
    // before add(), and rows added afterwards keep no copy. For an owner that keeps the matrix
    // in step with a store and builds the index on another thread: the matrix may change
    // while rows are added, but not during topK(), and it must outlive the index.
    void rerankOn(const EmbeddingMatrix* matrix);

    void setSearchBreadth(int breadth);
    void setRerank(int candidates);
    std::size_t size() const;
    int reducedDimension() const;
    double retainedEnergy() const;  // share of the sample's energy the projection keeps (1: none)
    // Best k by score (cosine on the full vectors when re-ranking), best first.
    std::vector<ScoredPhoto> topK(std::span<const float> query, std::size_t k) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
