#include "core/image/patchify.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

namespace abc {
namespace {

// transformers OPENAI_CLIP_MEAN / OPENAI_CLIP_STD, held as float32 like the processor does.
constexpr std::array<float, 3> kMean = {0.48145466f, 0.4578275f, 0.40821073f};
constexpr std::array<float, 3> kStd = {0.26862954f, 0.26130258f, 0.27577711f};

// A normalised value depends only on the byte and the channel: 3 x 256 table.
struct NormalizeTable {
    std::array<std::array<float, 256>, 3> values{};
    NormalizeTable() {
        for (int c = 0; c < 3; ++c) {
            for (int v = 0; v < 256; ++v) {
                const auto x = static_cast<float>(static_cast<double>(v) * (1.0 / 255.0));
                const float centred = x - kMean[c];  // separate float32 roundings, as numpy
                values[c][v] = centred / kStd[c];
            }
        }
    }
};

}  // namespace

ImagePatches patchify(const RgbImage& image, const PatchGeometry& geometry) {
    static const NormalizeTable table;
    const int p = geometry.patchSize;
    const int t = geometry.temporalPatchSize;
    const int m = geometry.mergeSize;
    if (image.empty() || image.width % (p * m) != 0 || image.height % (p * m) != 0) {
        throw std::invalid_argument("patchify: image size " + std::to_string(image.width) + "x" +
                                    std::to_string(image.height) + " is not a multiple of " +
                                    std::to_string(p * m));
    }
    ImagePatches patches;
    patches.grid.t = 1;
    patches.grid.h = image.height / p;
    patches.grid.w = image.width / p;
    patches.patchDim = std::int64_t{3} * t * p * p;
    patches.rows = patches.grid.t * patches.grid.h * patches.grid.w;
    patches.values.resize(static_cast<std::size_t>(patches.rows * patches.patchDim));

    const std::size_t planeSize = static_cast<std::size_t>(p) * p;  // one [py][px] block
    float* row = patches.values.data();
    for (int wy = 0; wy < image.height / (p * m); ++wy) {
        for (int wx = 0; wx < image.width / (p * m); ++wx) {
            for (int my = 0; my < m; ++my) {
                for (int mx = 0; mx < m; ++mx, row += patches.patchDim) {
                    const int y0 = (wy * m + my) * p;
                    const int x0 = (wx * m + mx) * p;
                    for (int c = 0; c < 3; ++c) {
                        const auto& lut = table.values[c];
                        float* block = row + static_cast<std::size_t>(c) * t * planeSize;
                        for (int py = 0; py < p; ++py) {
                            const std::uint8_t* src = image.row(y0 + py) + x0 * 3 + c;
                            float* dst = block + static_cast<std::size_t>(py) * p;
                            for (int px = 0; px < p; ++px) {
                                dst[px] = lut[src[px * 3]];
                            }
                        }
                        // The still image is its own second frame (temporal_patch_size 2).
                        for (int frame = 1; frame < t; ++frame) {
                            std::memcpy(block + frame * planeSize, block,
                                        planeSize * sizeof(float));
                        }
                    }
                }
            }
        }
    }
    return patches;
}

}  // namespace abc
