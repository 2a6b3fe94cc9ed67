#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/library/photo_record.h"

namespace abc {

struct ScoredPhoto {
    PhotoId photo = 0;
    float score = 0.0f;  // cosine similarity (vectors are L2-normalised)
};

// The in-memory matrix search runs on: one row per photo, row-major float32, rows kept
// L2-normalised, plus an int8 copy (one scale per row). Search is memory-bound: a 100k x 3584
// float scan reads 1.4 GB per query, the int8 scan a quarter of that. topK() scans the int8
// copy for the best max(256, 8k) candidates and re-scores those exactly in float32; exactTopK()
// scans the floats only. Both split the rows over threads.
// Thread-safety: const methods may run concurrently; mutations need exclusive access.
class EmbeddingMatrix {
  public:
    explicit EmbeddingMatrix(int dimension = 0) : dimension_(dimension) {}
    void reset(int dimension, std::vector<PhotoId> ids, std::vector<float> values);
    void upsert(PhotoId photo, std::span<const float> vector);
    void remove(PhotoId photo);

    int dimension() const { return dimension_; }
    std::size_t size() const { return ids_.size(); }
    const std::vector<PhotoId>& ids() const { return ids_; }
    std::span<const float> row(std::size_t index) const;
    const float* data() const { return values_.data(); }
    std::ptrdiff_t indexOf(PhotoId photo) const;  // -1 when absent

    // Best k rows by score, best first; rows for which `keep` is false are skipped.
    std::vector<ScoredPhoto> topK(std::span<const float> query, std::size_t k,
                                  const std::function<bool(PhotoId)>& keep = {},
                                  int threads = 0) const;
    std::vector<ScoredPhoto> exactTopK(std::span<const float> query, std::size_t k,
                                       const std::function<bool(PhotoId)>& keep = {},
                                       int threads = 0) const;

  private:
    // A query of another dimension comes from another model: refuse it, naming both sizes.
    void checkQuery(std::span<const float> query) const;
    void quantizeRow(std::size_t row);
    int dimension_ = 0;
    std::vector<PhotoId> ids_;
    std::vector<float> values_;
    std::vector<std::int8_t> codes_;  // ids_.size() x dimension_
    std::vector<float> scales_;       // per row: value = code * scale
};

}  // namespace abc
