#pragma once

#include "core/image/rgb_image.h"

namespace abc {

// Pillow's Image.resize((width, height), Image.BICUBIC) on an RGB image, bit-exact:
// separable convolution with the a = -0.5 cubic kernel, support widened by the downscale
// factor, coefficients normalised then rounded to 22-bit fixed point, a pass skipped when its
// size is unchanged, and the result rounded and clamped to 8 bits after each pass. OpenCV's
// INTER_CUBIC is a different filter and does not match. Which pass runs first when both sides
// change. The passes round to 8 bits in between, so the order shows in the result (up to a few
// levels on some pixels).
enum class ResampleOrder {
    // Horizontal first, always: Pillow up to 12, what ABC ran and the reference goldens hold.
    PillowClassic,
    // Pillow 13: vertical first when the height shrinks by more than twice what the width
    // does (always when the width grows), else horizontal first.
    Pillow13,
};

RgbImage resizeBicubic(const RgbImage& image, int width, int height,
                       ResampleOrder order = ResampleOrder::PillowClassic);

}  // namespace abc
