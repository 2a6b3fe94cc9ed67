#include "core/library/near_duplicates.h"

#include <algorithm>
#include <tuple>

#include "core/io/error.h"
#include "core/library/dot_kernels.h"
#include "core/library/vector_math.h"

namespace abc {

namespace {

// Most similar first; ties broken by the ids for stable output.
struct MoreSimilar {
    bool operator()(const DuplicatePair& a, const DuplicatePair& b) const {
        return a.similarity != b.similarity
                   ? a.similarity > b.similarity
                   : std::tie(a.first, a.second) < std::tie(b.first, b.second);
    }
};

// The best `maxPairs` pairs seen.
using BestPairs = BestK<DuplicatePair, MoreSimilar>;

// 512 rows of 3584 floats are 7 MB: two blocks and their 1 MB of dot products stay small,
// and one block pair is ~1 GFLOP, so a stop request is seen within a fraction of a second.
constexpr std::size_t kBlockRows = 512;

struct Block {
    std::vector<PhotoId> ids;
    std::vector<float> values;
};

}  // namespace

// All pairs, block against block: quadratic (20k photos are 2e8 pairs, minutes on two cores),
// but the blocked dot products keep it limited by arithmetic, not memory.
std::vector<DuplicatePair> findNearDuplicates(std::span<const PhotoId> ids, int dimension,
                                              const DuplicateRowSource& rows, float threshold,
                                              std::size_t maxPairs, std::stop_token stop) {
    if (maxPairs == 0 || ids.size() < 2 || dimension <= 0) {
        return {};
    }
    const auto length = static_cast<std::size_t>(dimension);
    BestPairs best(maxPairs);
    const auto fetch = [&](std::size_t first, Block& block) {
        const std::size_t count = std::min(kBlockRows, ids.size() - first);
        block.ids.clear();
        block.values.clear();
        rows(ids.subspan(first, count), block.ids, block.values);
        if (block.values.size() != block.ids.size() * length) {
            throw Error("near duplicates", "rows do not match ids x dimension");
        }
    };
    Block a;
    Block b;
    std::vector<float> dots;
    for (std::size_t aFirst = 0; aFirst < ids.size(); aFirst += kBlockRows) {
        if (stop.stop_requested()) {
            throw Cancelled();
        }
        fetch(aFirst, a);
        for (std::size_t bFirst = aFirst; bFirst < ids.size(); bFirst += kBlockRows) {
            if (stop.stop_requested()) {
                throw Cancelled();
            }
            const bool same = bFirst == aFirst;
            if (!same) {
                fetch(bFirst, b);
            }
            const Block& other = same ? a : b;
            if (a.ids.empty() || other.ids.empty()) {
                continue;
            }
            dots.resize(a.ids.size() * other.ids.size());
            pairwiseDots(a.values.data(), a.ids.size(), other.values.data(), other.ids.size(),
                         length, dots.data());
            // Once the best list is full, a pair must beat its worst, not just the threshold.
            float floor = best.full() ? std::max(threshold, best.worst().similarity) : threshold;
            for (std::size_t i = 0; i < a.ids.size(); ++i) {
                const float* row = dots.data() + i * other.ids.size();
                for (std::size_t j = same ? i + 1 : 0; j < other.ids.size(); ++j) {
                    if (row[j] >= floor) {
                        best.push({a.ids[i], other.ids[j], row[j]});
                        if (best.full()) {
                            floor = std::max(threshold, best.worst().similarity);
                        }
                    }
                }
            }
        }
    }
    return best.take();
}

std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs, std::stop_token stop) {
    const auto length = static_cast<std::size_t>(matrix.dimension());
    const auto& ids = matrix.ids();
    const DuplicateRowSource rows = [&](std::span<const PhotoId> wanted,
                                        std::vector<PhotoId>& found, std::vector<float>& values) {
        // `wanted` is a slice of the matrix's own ids, so its rows are contiguous.
        const auto first = static_cast<std::size_t>(wanted.data() - ids.data());
        found.assign(wanted.begin(), wanted.end());
        values.assign(matrix.data() + first * length,
                      matrix.data() + (first + wanted.size()) * length);
    };
    return findNearDuplicates(ids, matrix.dimension(), rows, threshold, maxPairs, stop);
}

std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs) {
    return findNearDuplicates(matrix, threshold, maxPairs, std::stop_token{});
}

std::vector<IdenticalCopy> identicalCopies(const std::vector<PhotoRecord>& photos,
                                           std::size_t maxPairs) {
    std::vector<IdenticalCopy> copies;
    for (const PhotoRecord& photo : photos) {
        for (std::size_t i = 1; i < photo.files.size() && copies.size() < maxPairs; ++i) {
            copies.push_back({photo.files[0].path, photo.files[i].path});
        }
    }
    return copies;
}

}  // namespace abc
