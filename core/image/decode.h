#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/image/probe.h"
#include "core/image/rgb_image.h"

namespace abc {

struct DecodeOptions {
    // Show the photo the way its camera meant it (EXIF Orientation). ABC's Python pipeline
    // ignores the tag; turn this off for bit-parity with it on rotated photos.
    bool applyExifOrientation = true;
    // Refuse images with more pixels than this before decoding anything; <= 0 = no limit.
    std::int64_t maxPixels = kDefaultMaxImagePixels;
    // 1 = exact decode. 2, 4 or 8: libjpeg's reduced-size JPEG decode, much faster for large
    // photos but not identical to Pillow (opt-in fast mode; other formats ignore it).
    int jpegScaleDenom = 1;
};

struct DecodedImage {
    ImageProbe probe;  // the file's headers (stored size, format, EXIF fields)
    RgbImage rgb;      // pixels with Pillow's convert("RGB") semantics, oriented if asked
};

// Decodes JPEG, PNG, WebP, TIFF, BMP, HEIC/HEIF and GIF (first frame) from a file's bytes
// into RGB the way Pillow's Image.open(...).convert("RGB") does: alpha dropped without
// compositing, grey replicated, palette looked up, 16-bit grey clamped to 255, 16-bit colour
// reduced to its high byte, CMYK by Pillow's formula. `subject` names the file in errors. Never
// crashes on bad input: every failure is an abc::Error naming `subject`.
DecodedImage decodeImage(std::span<const std::uint8_t> bytes, const std::string& subject,
                         const DecodeOptions& options = {});

// Reads the whole file; throws abc::Error naming it when it cannot be read.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path);

DecodedImage decodeImageFile(const std::filesystem::path& path, const DecodeOptions& options = {});

}  // namespace abc
