#pragma once

#include <string>
#include <string_view>

namespace abc::text {

// Unicode Normalization Form C (canonical decomposition, then canonical composition) by
// utf8proc. The input must be well-formed UTF-8 (NUL characters allowed).
std::string nfc(std::string_view utf8);

}  // namespace abc::text
