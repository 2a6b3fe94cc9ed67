// The search bar's syntax ("beach + 0.5:sunset - image:/a.jpg"): any text is a list of
// terms or an abc::Error, and every term it returns has text and a finite weight.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/error.h"
#include "core/library/combined_query.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string query(reinterpret_cast<const char*>(data), size);
    try {
        for (const abc::QueryTerm& term : abc::parseCombinedQuery(query)) {
            if (term.text.empty() || !std::isfinite(term.weight)) {
                __builtin_trap();
            }
        }
    } catch (const abc::Error&) {
    }
    return 0;
}
