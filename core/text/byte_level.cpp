#include "core/text/byte_level.h"

#include "core/text/utf8.h"

namespace abc::text {

namespace {

bool mapsToItself(unsigned b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

// Decodes one character of well-formed UTF-8 at `pos` and advances it; nullopt when the
// input is not well formed.
std::optional<char32_t> nextChar(std::string_view s, std::size_t& pos) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    int len = b0 < 0x80           ? 1
              : (b0 >> 5) == 0x6  ? 2
              : (b0 >> 4) == 0xE  ? 3
              : (b0 >> 3) == 0x1E ? 4
                                  : 0;
    if (len == 0 || pos + static_cast<std::size_t>(len) > s.size()) {
        return std::nullopt;
    }
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (int k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[pos + k]);
        if ((c & 0xC0) != 0x80) {
            return std::nullopt;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    pos += static_cast<std::size_t>(len);
    return cp;
}

}  // namespace

ByteLevelAlphabet::ByteLevelAlphabet() {
    charToByte_.fill(-1);
    char32_t next = 256;
    for (unsigned b = 0; b < 256; ++b) {
        byteToChar_[b] = mapsToItself(b) ? static_cast<char32_t>(b) : next++;
        charToByte_[byteToChar_[b]] = static_cast<std::int16_t>(b);
    }
}

const ByteLevelAlphabet& ByteLevelAlphabet::instance() {
    static const ByteLevelAlphabet alphabet;
    return alphabet;
}

std::optional<std::uint8_t> ByteLevelAlphabet::byteFor(char32_t c) const {
    if (c >= charToByte_.size() || charToByte_[c] < 0) {
        return std::nullopt;
    }
    return static_cast<std::uint8_t>(charToByte_[c]);
}

std::string ByteLevelAlphabet::toVocabSpelling(std::string_view bytes) const {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char b : bytes) {
        appendUtf8(out, byteToChar_[static_cast<unsigned char>(b)]);
    }
    return out;
}

std::optional<std::string> ByteLevelAlphabet::fromVocabSpelling(std::string_view utf8) const {
    std::string out;
    out.reserve(utf8.size());
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const auto c = nextChar(utf8, pos);
        if (!c) {
            return std::nullopt;
        }
        const auto b = byteFor(*c);
        if (!b) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(*b));
    }
    return out;
}

}  // namespace abc::text
