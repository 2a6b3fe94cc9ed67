#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace abc::text {

// GPT-2's reversible map between the 256 byte values and 256 printable characters, so that
// byte-level BPE vocabularies can be stored as text: printable Latin-1 bytes map to
// themselves, the remaining 68 bytes to U+0100.. in byte order (space -> 'Ġ', '\n' -> 'Ċ').
class ByteLevelAlphabet {
  public:
    static const ByteLevelAlphabet& instance();

    char32_t charFor(std::uint8_t byte) const { return byteToChar_[byte]; }
    std::optional<std::uint8_t> byteFor(char32_t c) const;

    // Raw bytes -> the vocabulary's spelling (UTF-8 of the mapped characters).
    std::string toVocabSpelling(std::string_view bytes) const;
    // The vocabulary's spelling -> raw bytes; nullopt when a character is not in the map
    // (the input is then not a byte-level spelling, e.g. an added token with a space).
    std::optional<std::string> fromVocabSpelling(std::string_view utf8) const;

  private:
    ByteLevelAlphabet();
    std::array<char32_t, 256> byteToChar_{};
    std::array<std::int16_t, 512> charToByte_{};  // mapped characters are all < U+0200
};

}  // namespace abc::text
