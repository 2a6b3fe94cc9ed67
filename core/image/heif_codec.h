#pragma once

// HEIC/HEIF/AVIF through libheif; used by probe.cpp and decode.cpp only.

#include <cstdint>
#include <span>
#include <string>

#include "core/image/probe.h"
#include "core/image/rgb_image.h"

namespace abc::detail {

// ISO-BMFF "ftyp" with a still-image brand libheif reads.
bool looksLikeHeif(std::span<const std::uint8_t> bytes);

// Fills width/height (of the primary image as displayed) and the EXIF fields.
void probeHeif(std::span<const std::uint8_t> bytes, const std::string& subject, ImageProbe& probe);

// Decodes the primary image to 8-bit RGB. libheif applies the container's own rotation and
// mirroring (irot/imir), which HEIF defines as authoritative, so EXIF orientation is not
// applied on top.
RgbImage decodeHeif(std::span<const std::uint8_t> bytes, const std::string& subject,
                    std::int64_t maxPixels);

}  // namespace abc::detail
