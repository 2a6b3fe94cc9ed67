#include "core/io/byte_size.h"

#include <cstdio>

namespace abc {

std::string byteSizeText(std::uint64_t bytes) {
    static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 4) {
        value /= 1000.0;
        ++unit;
    }
    char text[32];
    if (unit == 0) {
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(text, sizeof text, value < 100.0 ? "%.1f %s" : "%.0f %s", value,
                      kUnits[unit]);
    }
    return text;
}

}  // namespace abc
