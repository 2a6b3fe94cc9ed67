#pragma once

#include <cstdint>
#include <string>

namespace abc {

// A size as people read it on a download page, in decimal units: "16.6 GB", "532 MB", "87 B".
std::string byteSizeText(std::uint64_t bytes);

}  // namespace abc
