#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/library/embedding_matrix.h"
#include "core/library/photo_record.h"

namespace abc {

// Pairs of photos whose cosine similarity is at least `threshold`, most similar first (ties:
// smaller ids first); first < second.
struct DuplicatePair {
    PhotoId first = 0;
    PhotoId second = 0;
    float similarity = 0.0f;
};
std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs = 10000);
// The same, stopped by `stop` between two blocks of rows (throws abc::Cancelled).
std::vector<DuplicatePair> findNearDuplicates(const EmbeddingMatrix& matrix, float threshold,
                                              std::size_t maxPairs, std::stop_token stop);

// Copies the rows of those `wanted` photos that still exist into `values` (row-major) and
// their ids into `found`, in the order asked.
using DuplicateRowSource = std::function<void(
    std::span<const PhotoId> wanted, std::vector<PhotoId>& found, std::vector<float>& values)>;
// All pairs among `ids` (ascending), fetching their rows block by block through `rows`: a
// caller that guards its rows with a lock holds it for one block's copy, not for the scan.
// Photos gone by the time their block is fetched are left out. Only the best `maxPairs` are
// held while scanning. `stop` is checked before every block pair (throws abc::Cancelled).
std::vector<DuplicatePair> findNearDuplicates(std::span<const PhotoId> ids, int dimension,
                                              const DuplicateRowSource& rows, float threshold,
                                              std::size_t maxPairs, std::stop_token stop = {});

// Byte-identical copies: the store keeps one photo per content, with several files, so the
// vectors never pair a copy with its original. Each extra path paired with the photo's first
// one, in the order of `photos`; at most `maxPairs`.
struct IdenticalCopy {
    std::string original;
    std::string copy;
};
std::vector<IdenticalCopy> identicalCopies(const std::vector<PhotoRecord>& photos,
                                           std::size_t maxPairs);

}  // namespace abc
