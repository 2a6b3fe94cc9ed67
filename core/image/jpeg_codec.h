#pragma once

// JPEG through libjpeg(-turbo) directly rather than OpenCV: Pillow's CMYK semantics need the
// raw CMYK samples (OpenCV converts them its own way), and decoding straight into RGB rows
// saves a BGR pass. Used by decode.cpp only.

#include <cstdint>
#include <span>
#include <string>

#include "core/image/rgb_image.h"

namespace abc::detail {

// libjpeg's default decode (ISLOW IDCT, fancy upsampling), which is what Pillow runs, so the
// result equals numpy.asarray(Image.open(f).convert("RGB")). scaleDenom 2, 4 or 8 asks
// libjpeg for a reduced-size decode (not Pillow-identical; the opt-in fast path).
RgbImage decodeJpeg(std::span<const std::uint8_t> bytes, const std::string& subject,
                    int scaleDenom = 1);

}  // namespace abc::detail
