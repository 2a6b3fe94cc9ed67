#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace abc {

// The EXIF fields the product uses. Everything else in the block is ignored.
struct ExifFields {
    // TIFF/EXIF Orientation 1..8 (1 = as stored); out-of-range values read as 1.
    int orientation = 1;
    // DateTimeOriginal as written ("YYYY:MM:DD HH:MM:SS"), when present and non-empty.
    std::optional<std::string> dateTimeOriginal;
};

// Parses an EXIF block with libexif: either a JPEG APP1 payload ("Exif\0\0" + TIFF data) or
// bare TIFF data ("II*\0" / "MM\0*", as PNG eXIf and some WebP/HEIF blocks store it). A
// damaged block yields the defaults: EXIF is advisory and never makes an image unreadable.
ExifFields readExif(std::span<const std::uint8_t> block);

}  // namespace abc
