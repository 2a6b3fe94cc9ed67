#include "core/library/near_duplicates.h"

#include <algorithm>

#include "core/library/vector_math.h"

namespace abc {

// All pairs by blocks of rows: quadratic, but a 3584-d dot is ~1 ns per float on one core,
// so 20k photos take a couple of minutes at worst; libraries beyond that use the approximate
// index per photo instead.
std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs) {
    std::vector<DuplicatePair> pairs;
    const std::size_t rows = matrix.size();
    const auto dimension = static_cast<std::size_t>(matrix.dimension());
    for (std::size_t i = 0; i < rows; ++i) {
        const float* a = matrix.data() + i * dimension;
        for (std::size_t j = i + 1; j < rows; ++j) {
            const float similarity = dot(a, matrix.data() + j * dimension, dimension);
            if (similarity >= threshold) {
                pairs.push_back({matrix.ids()[i], matrix.ids()[j], similarity});
            }
        }
    }
    std::sort(pairs.begin(), pairs.end(), [](const DuplicatePair& a, const DuplicatePair& b) {
        return a.similarity != b.similarity
                   ? a.similarity > b.similarity
                   : std::tie(a.first, a.second) < std::tie(b.first, b.second);
    });
    if (pairs.size() > maxPairs) {
        pairs.resize(maxPairs);
    }
    return pairs;
}

}  // namespace abc
