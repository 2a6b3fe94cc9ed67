#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace abc {

// The media types the library records for a photo (photo_scanner's detectMediaType), in the
// order they are listed to users.
const std::vector<std::string>& libraryMediaTypes();

// The library's media type for what a user types: a type or a file extension, in any case,
// with or without a leading dot ("JPG", ".jpeg", "jfif" -> "jpeg"; "HEIF", "hif" -> "heic";
// "tif" -> "tiff"). nullopt for anything else.
std::optional<std::string> mediaTypeNamed(std::string_view spelling);

}  // namespace abc
