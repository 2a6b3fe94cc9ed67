#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace abc {

enum class ImageFormat { Jpeg, Png, WebP, Tiff, Bmp, Heif, Gif };

std::string_view imageFormatName(ImageFormat format);

// Pillow refuses images above 2 x Image.MAX_IMAGE_PIXELS (DecompressionBombError); the
// product applies the same default so a hostile file cannot make it allocate gigabytes.
inline constexpr std::int64_t kDefaultMaxImagePixels = 178'956'970;

// What a file's headers say, read without decoding any pixel data.
struct ImageProbe {
    ImageFormat format = ImageFormat::Jpeg;
    int width = 0;  // as stored, before any orientation is applied
    int height = 0;
    int channels = 0;       // stored components (JPEG 1/3/4, PNG 1-4, ...); 0 where not read
    int bitDepth = 8;       // per component as stored; 0 where not read
    int pngColorType = -1;  // PNG IHDR colour type; -1 for other formats
    int orientation = 1;    // EXIF Orientation 1..8 (1 = none or absent)
    std::optional<std::string> dateTimeOriginal;  // EXIF DateTimeOriginal as written

    std::int64_t pixelCount() const { return std::int64_t{width} * height; }
};

// Reads format, dimensions and EXIF fields from the bytes of an image file. `subject` names
// the file in errors. Throws abc::Error for an unknown format or a damaged header.
ImageProbe probeImage(std::span<const std::uint8_t> bytes, const std::string& subject);

// Throws abc::Error naming `subject` when the image has more pixels than `maxPixels`.
void checkPixelLimit(const ImageProbe& probe, std::int64_t maxPixels, const std::string& subject);

}  // namespace abc
