#include "core/library/media_type.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace abc {

const std::vector<std::string>& libraryMediaTypes() {
    static const std::vector<std::string> types = {"jpeg", "heic", "png", "webp",
                                                   "gif",  "tiff", "bmp"};
    return types;
}

std::optional<std::string> mediaTypeNamed(std::string_view spelling) {
    std::string name(spelling);
    if (!name.empty() && name.front() == '.') {
        name.erase(0, 1);
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // Other spellings of a type, as file names and cameras write them.
    static const std::pair<std::string_view, std::string_view> kAliases[] = {
        {"jpg", "jpeg"}, {"jpe", "jpeg"},  {"jfif", "jpeg"}, {"heif", "heic"},
        {"hif", "heic"}, {"avif", "heic"}, {"tif", "tiff"},  {"dib", "bmp"},
    };
    for (const auto& [alias, type] : kAliases) {
        if (name == alias) {
            return std::string(type);
        }
    }
    const auto& types = libraryMediaTypes();
    if (std::find(types.begin(), types.end(), name) != types.end()) {
        return name;
    }
    return std::nullopt;
}

}  // namespace abc
