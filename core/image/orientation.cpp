#include "core/image/orientation.h"

#include <cstring>

namespace abc {

RgbImage applyExifOrientation(RgbImage image, int orientation) {
    if (orientation < 2 || orientation > 8 || image.empty()) {
        return image;
    }
    const int w = image.width;
    const int h = image.height;
    const bool swapsAxes = orientation >= 5;
    RgbImage out(swapsAxes ? h : w, swapsAxes ? w : h);
    for (int y = 0; y < out.height; ++y) {
        std::uint8_t* dst = out.row(y);
        for (int x = 0; x < out.width; ++x, dst += 3) {
            int sx = x;
            int sy = y;
            switch (orientation) {
                case 2:
                    sx = w - 1 - x;
                    break;  // mirror left-right
                case 3:
                    sx = w - 1 - x;
                    sy = h - 1 - y;
                    break;  // rotate 180
                case 4:
                    sy = h - 1 - y;
                    break;  // mirror top-bottom
                case 5:
                    sx = y;
                    sy = x;
                    break;  // transpose
                case 6:
                    sx = y;
                    sy = h - 1 - x;
                    break;  // rotate 90 clockwise
                case 7:
                    sx = w - 1 - y;
                    sy = h - 1 - x;
                    break;  // transverse
                case 8:
                    sx = w - 1 - y;
                    sy = x;
                    break;  // rotate 90 counter-clockwise
                default:
                    break;
            }
            std::memcpy(dst, image.row(sy) + static_cast<std::size_t>(sx) * 3, 3);
        }
    }
    return out;
}

}  // namespace abc
