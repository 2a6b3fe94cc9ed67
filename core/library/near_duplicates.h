#pragma once

#include <vector>

#include "core/library/embedding_matrix.h"

namespace abc {

// Pairs of photos whose cosine similarity is at least `threshold`, most similar first.
struct DuplicatePair {
    PhotoId first = 0;
    PhotoId second = 0;
    float similarity = 0.0f;
};
std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs = 10000);

}  // namespace abc
