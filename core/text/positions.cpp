#include "core/text/positions.h"

#include <algorithm>
#include <string>

#include "core/io/error.h"

namespace abc {

PositionIds sequentialPositions(std::int64_t length) {
    PositionIds p;
    p.length = length;
    p.values.resize(static_cast<std::size_t>(3 * length));
    for (int row = 0; row < 3; ++row) {
        for (std::int64_t i = 0; i < length; ++i) {
            p.values[static_cast<std::size_t>(row * length + i)] = i;
        }
    }
    return p;
}

PositionIds mropePositions(const std::vector<std::int64_t>& ids, const std::vector<GridThw>& grids,
                           const MropeTokens& tokens) {
    const auto length = static_cast<std::int64_t>(ids.size());
    // Images are counted as in get_rope_index: a <|vision_start|> whose next token is an
    // image pad.
    std::size_t images = 0;
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
        if (ids[i] == tokens.visionStartTokenId && ids[i + 1] == tokens.imageTokenId) {
            ++images;
        }
    }
    // Like transformers, no grids at all means plain sequential positions.
    if (images == 0 || grids.empty()) {
        return sequentialPositions(length);
    }
    if (images > grids.size()) {
        throw Error("image grids", std::to_string(images) + " images in the prompt but " +
                                       std::to_string(grids.size()) + " grids");
    }

    std::vector<std::int64_t> t, h, w;  // rows being built
    t.reserve(ids.size());
    h.reserve(ids.size());
    w.reserve(ids.size());
    std::int64_t next = 0;  // max position so far + 1
    const auto appendText = [&](std::int64_t count) {
        for (std::int64_t i = 0; i < count; ++i) {
            t.push_back(next + i);
            h.push_back(next + i);
            w.push_back(next + i);
        }
        next += count;
    };
    const std::int64_t m = tokens.spatialMergeSize;
    std::int64_t start = 0;
    for (std::size_t image = 0; image < images; ++image) {
        const auto found = std::find(ids.begin() + start, ids.end(), tokens.imageTokenId);
        const auto pad = static_cast<std::int64_t>(found - ids.begin());
        const GridThw& g = grids[image];
        if (g.t <= 0 || g.h <= 0 || g.w <= 0 || m <= 0 || g.h % m != 0 || g.w % m != 0) {
            throw Error("image grids", "grid " + std::to_string(image) + " (" +
                                           std::to_string(g.t) + ", " + std::to_string(g.h) + ", " +
                                           std::to_string(g.w) +
                                           ") is not a multiple of the merge size");
        }
        const std::int64_t gh = g.h / m;
        const std::int64_t gw = g.w / m;
        const std::int64_t count = g.t * gh * gw;
        if (pad + count > length) {
            throw Error("image grids", "image " + std::to_string(image) + " needs " +
                                           std::to_string(count) +
                                           " image tokens, the prompt has fewer");
        }
        appendText(pad - start);
        const std::int64_t base = next;
        std::int64_t maxPosition = base - 1;
        for (std::int64_t ti = 0; ti < g.t; ++ti) {
            for (std::int64_t hi = 0; hi < gh; ++hi) {
                for (std::int64_t wi = 0; wi < gw; ++wi) {
                    t.push_back(base + ti);
                    h.push_back(base + hi);
                    w.push_back(base + wi);
                    maxPosition = std::max({maxPosition, base + ti, base + hi, base + wi});
                }
            }
        }
        next = maxPosition + 1;
        start = pad + count;
    }
    appendText(length - start);

    PositionIds p;
    p.length = length;
    p.values.reserve(static_cast<std::size_t>(3 * length));
    p.values.insert(p.values.end(), t.begin(), t.end());
    p.values.insert(p.values.end(), h.begin(), h.end());
    p.values.insert(p.values.end(), w.begin(), w.end());
    return p;
}

}  // namespace abc
