#pragma once

#include <filesystem>

#include "core/image/rgb_image.h"

namespace abc {

// Saves RGB losslessly as an 8-bit PNG (for inspecting the preprocessing stages). Throws
// abc::Error naming the file when it cannot be written.
void writePng(const RgbImage& image, const std::filesystem::path& path);

}  // namespace abc
