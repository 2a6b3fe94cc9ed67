#pragma once

#include "core/image/rgb_image.h"

namespace abc {

// Pillow's Image.resize((width, height), Image.BICUBIC) on an RGB image, bit-exact:
// separable convolution with the a = -0.5 cubic kernel, support widened by the downscale
// factor, coefficients normalised then rounded to 22-bit fixed point, horizontal pass first
// (skipped when the width is unchanged), result rounded and clamped to 8 bits after each
// pass. OpenCV's INTER_CUBIC is a different filter and does not match.
RgbImage resizeBicubic(const RgbImage& image, int width, int height);

}  // namespace abc
