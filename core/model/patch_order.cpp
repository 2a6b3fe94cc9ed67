#include "core/model/patch_order.h"

namespace abc {

std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> patchCoordinates(
    std::int64_t gridT, std::int64_t gridH, std::int64_t gridW, std::int64_t mergeSize) {
    std::vector<std::int64_t> rows;
    std::vector<std::int64_t> cols;
    rows.reserve(static_cast<std::size_t>(gridT * gridH * gridW));
    cols.reserve(rows.capacity());
    for (std::int64_t t = 0; t < gridT; ++t) {
        for (std::int64_t wy = 0; wy < gridH / mergeSize; ++wy) {
            for (std::int64_t wx = 0; wx < gridW / mergeSize; ++wx) {
                for (std::int64_t i = 0; i < mergeSize; ++i) {
                    for (std::int64_t j = 0; j < mergeSize; ++j) {
                        rows.push_back(wy * mergeSize + i);
                        cols.push_back(wx * mergeSize + j);
                    }
                }
            }
        }
    }
    return {rows, cols};
}

}  // namespace abc
