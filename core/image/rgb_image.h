#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace abc {

// A decoded picture as everything downstream of the decoder sees it: 8-bit RGB, rows top to
// bottom, pixels interleaved (height x width x 3, row-major, no padding), the layout of
// numpy.asarray(pil_image.convert("RGB")).
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    RgbImage() = default;
    RgbImage(int w, int h)
        : width(w),
          height(h),
          pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {}

    bool empty() const { return width <= 0 || height <= 0; }
    std::size_t rowBytes() const { return static_cast<std::size_t>(width) * 3; }
    std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * rowBytes(); }
    const std::uint8_t* row(int y) const {
        return pixels.data() + static_cast<std::size_t>(y) * rowBytes();
    }
};

}  // namespace abc
