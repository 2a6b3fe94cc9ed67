#include "core/text/unicode_normalizer.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "core/io/error.h"

namespace abc::text {

std::string nfc(std::string_view utf8) {
    // ASCII is already in every normalization form; most queries take this path.
    bool ascii = true;
    for (const char c : utf8) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        return std::string(utf8);
    }
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                     static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) {
        throw Error("text", std::string("NFC normalization failed: ") + utf8proc_errmsg(n));
    }
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

}  // namespace abc::text
