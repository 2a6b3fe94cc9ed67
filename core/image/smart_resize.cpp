#include "core/image/smart_resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/io/error.h"

namespace abc {
namespace {

constexpr double kMaxAspectRatio = 200.0;

// Python's round(h / factor) * factor: true division, then round half to even
// (std::nearbyint in the default rounding mode).
std::int64_t roundByFactor(int value, int factor) {
    return static_cast<std::int64_t>(std::nearbyint(static_cast<double>(value) / factor)) * factor;
}
std::int64_t floorByFactor(double value, int factor) {
    return static_cast<std::int64_t>(std::floor(value / factor)) * factor;
}
std::int64_t ceilByFactor(double value, int factor) {
    return static_cast<std::int64_t>(std::ceil(value / factor)) * factor;
}

std::string describe(ImageSize size) {
    return std::to_string(size.width) + " x " + std::to_string(size.height);
}

}  // namespace

ImageSize smartResize(ImageSize size, const SmartResizeLimits& limits) {
    const int height = size.height;
    const int width = size.width;
    const int factor = limits.factor;
    if (height <= 0 || width <= 0) {
        throw Error("image size", "empty image (" + describe(size) + ")");
    }
    if (limits.flavour == SmartResizeFlavour::Transformers && (height < factor || width < factor)) {
        throw Error("image size",
                    describe(size) + " has a side below " + std::to_string(factor) + " pixels");
    }
    const double ratio = static_cast<double>(std::max(height, width)) / std::min(height, width);
    if (ratio > kMaxAspectRatio) {
        throw Error("image size", describe(size) + " has an aspect ratio of " +
                                      std::to_string(ratio) + ", above the limit of 200");
    }
    std::int64_t hBar = roundByFactor(height, factor);
    std::int64_t wBar = roundByFactor(width, factor);
    if (limits.flavour == SmartResizeFlavour::QwenVlUtils) {
        hBar = std::max<std::int64_t>(factor, hBar);
        wBar = std::max<std::int64_t>(factor, wBar);
    }
    const std::int64_t pixels = std::int64_t{height} * width;
    if (hBar * wBar > limits.maxPixels) {
        const double beta =
            std::sqrt(static_cast<double>(pixels) / static_cast<double>(limits.maxPixels));
        hBar = floorByFactor(height / beta, factor);
        wBar = floorByFactor(width / beta, factor);
    } else if (hBar * wBar < limits.minPixels) {
        const double beta =
            std::sqrt(static_cast<double>(limits.minPixels) / static_cast<double>(pixels));
        hBar = ceilByFactor(height * beta, factor);
        wBar = ceilByFactor(width * beta, factor);
    }
    if (hBar <= 0 || wBar <= 0 || hBar > INT32_MAX || wBar > INT32_MAX) {
        throw Error("image size", describe(size) + " cannot be resized within the pixel limits");
    }
    return ImageSize{static_cast<int>(wBar), static_cast<int>(hBar)};
}

}  // namespace abc
