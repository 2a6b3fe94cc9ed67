#include "core/model/position_ids.h"

#include <algorithm>

#include "core/io/error.h"

namespace abc {

PositionIds sequentialPositions(std::int64_t length) {
    PositionIds positions(static_cast<std::size_t>(3 * length));
    for (std::int64_t row = 0; row < 3; ++row) {
        for (std::int64_t i = 0; i < length; ++i) {
            positions[static_cast<std::size_t>(row * length + i)] = i;
        }
    }
    return positions;
}

PositionIds mropePositions(const std::vector<std::int64_t>& inputIds,
                           const std::vector<ImageGrid>& grids, std::int64_t imageTokenId,
                           std::int64_t mergeSize) {
    const auto length = static_cast<std::int64_t>(inputIds.size());
    PositionIds positions(static_cast<std::size_t>(3 * length));
    const auto set = [&](std::int64_t i, std::int64_t t, std::int64_t h, std::int64_t w) {
        positions[static_cast<std::size_t>(i)] = t;
        positions[static_cast<std::size_t>(length + i)] = h;
        positions[static_cast<std::size_t>(2 * length + i)] = w;
    };
    std::int64_t next = 0;  // first position of the next run
    std::int64_t i = 0;
    for (const auto& grid : grids) {
        const std::int64_t gh = grid.h / mergeSize;
        const std::int64_t gw = grid.w / mergeSize;
        const std::int64_t tokens = grid.t * gh * gw;
        while (i < length && inputIds[static_cast<std::size_t>(i)] != imageTokenId) {
            set(i, next, next, next);
            ++next;
            ++i;
        }
        if (i + tokens > length) {
            throw Error("input_ids", "fewer image tokens than the image grids need");
        }
        std::int64_t largest = next - 1;
        for (std::int64_t j = 0; j < tokens; ++j, ++i) {
            if (inputIds[static_cast<std::size_t>(i)] != imageTokenId) {
                throw Error("input_ids", "image token run shorter than its grid");
            }
            const std::int64_t frame = j / (gh * gw);
            const std::int64_t inFrame = j % (gh * gw);
            const std::int64_t t = next + frame;
            const std::int64_t h = next + inFrame / gw;
            const std::int64_t w = next + inFrame % gw;
            set(i, t, h, w);
            largest = std::max({largest, t, h, w});
        }
        next = largest + 1;
    }
    for (; i < length; ++i) {
        if (inputIds[static_cast<std::size_t>(i)] == imageTokenId) {
            throw Error("input_ids", "more image tokens than the image grids provide");
        }
        set(i, next, next, next);
        ++next;
    }
    return positions;
}

}  // namespace abc
