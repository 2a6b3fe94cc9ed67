#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace abc::text {

// Byte offset of the first ill-formed UTF-8 sequence (Unicode table 3-7: no overlongs,
// surrogates or code points above U+10FFFF), or nullopt when the whole text is well formed.
std::optional<std::size_t> firstInvalidUtf8(std::string_view bytes);

// Bytes as UTF-8 text, each maximal ill-formed subsequence replaced by one U+FFFD. This is
// the W3C/Unicode "maximal subpart" practice, the same as Rust's String::from_utf8_lossy
// that the reference decoder uses.
std::string utf8Lossy(std::string_view bytes);

// Appends the UTF-8 encoding of a scalar value.
void appendUtf8(std::string& out, char32_t codePoint);

}  // namespace abc::text
