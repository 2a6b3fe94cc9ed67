#include "core/text/utf8.h"

#include <cstdint>

namespace abc::text {

namespace {

struct LeadByte {
    int length = 0;  // 0: never starts a well-formed sequence
    std::uint8_t secondMin = 0x80;
    std::uint8_t secondMax = 0xBF;
};

// The second byte carries the range restrictions that exclude overlongs (E0, F0),
// surrogates (ED) and values above U+10FFFF (F4).
LeadByte leadByte(std::uint8_t b) {
    if (b >= 0xC2 && b <= 0xDF)
        return {2, 0x80, 0xBF};
    if (b == 0xE0)
        return {3, 0xA0, 0xBF};
    if (b == 0xED)
        return {3, 0x80, 0x9F};
    if (b >= 0xE1 && b <= 0xEF)
        return {3, 0x80, 0xBF};
    if (b == 0xF0)
        return {4, 0x90, 0xBF};
    if (b >= 0xF1 && b <= 0xF3)
        return {4, 0x80, 0xBF};
    if (b == 0xF4)
        return {4, 0x80, 0x8F};
    return {};
}

// Length of the well-formed sequence at `pos`, or -(length of the maximal ill-formed
// subpart) when it is not well formed.
int sequenceAt(std::string_view s, std::size_t pos) {
    const auto b = static_cast<std::uint8_t>(s[pos]);
    if (b < 0x80) {
        return 1;
    }
    const LeadByte lead = leadByte(b);
    if (lead.length == 0) {
        return -1;
    }
    for (int k = 1; k < lead.length; ++k) {
        if (pos + k >= s.size()) {
            return -k;
        }
        const auto c = static_cast<std::uint8_t>(s[pos + k]);
        const std::uint8_t lo = k == 1 ? lead.secondMin : 0x80;
        const std::uint8_t hi = k == 1 ? lead.secondMax : 0xBF;
        if (c < lo || c > hi) {
            return -k;
        }
    }
    return lead.length;
}

}  // namespace

std::optional<std::size_t> firstInvalidUtf8(std::string_view bytes) {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const int n = sequenceAt(bytes, pos);
        if (n < 0) {
            return pos;
        }
        pos += static_cast<std::size_t>(n);
    }
    return std::nullopt;
}

std::string utf8Lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const int n = sequenceAt(bytes, pos);
        if (n > 0) {
            out.append(bytes.substr(pos, static_cast<std::size_t>(n)));
            pos += static_cast<std::size_t>(n);
        } else {
            out.append("\xEF\xBF\xBD");
            pos += static_cast<std::size_t>(-n);
        }
    }
    return out;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace abc::text
