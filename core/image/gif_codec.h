#pragma once

// GIF through giflib (Debian's OpenCV 4.6 has no GIF reader); used by probe.cpp and
// decode.cpp only.

#include <cstdint>
#include <span>
#include <string>

#include "core/image/probe.h"
#include "core/image/rgb_image.h"

namespace abc::detail {

// "GIF87a" or "GIF89a".
bool looksLikeGif(std::span<const std::uint8_t> bytes);

// Fills width/height with the size Pillow gives the first frame: the logical screen, grown
// to hold the first image if that image reaches past it. Reads block headers up to the first
// image descriptor; no pixel data is decoded.
void probeGif(std::span<const std::uint8_t> bytes, const std::string& subject, ImageProbe& probe);

// The first frame as Pillow's Image.open(...).convert("RGB") shows it: the image placed at
// its offset on a canvas of the probed size, the rest of the canvas painted with the
// transparency index (or index 0 without one), every index looked up in the frame's palette
// (entries past the palette black; no usable palette = grey levels). Transparency is not
// composited: transparent pixels show their palette colour. Later frames are never read.
RgbImage decodeGif(std::span<const std::uint8_t> bytes, const std::string& subject,
                   std::int64_t maxPixels);

}  // namespace abc::detail
