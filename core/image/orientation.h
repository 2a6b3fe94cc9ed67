#pragma once

#include "core/image/rgb_image.h"

namespace abc {

// Turns a stored image into the image as it is meant to be shown, for EXIF Orientation
// 1..8 (the same result as Pillow's ImageOps.exif_transpose). 1 and invalid values return
// the image unchanged.
RgbImage applyExifOrientation(RgbImage image, int orientation);

}  // namespace abc
