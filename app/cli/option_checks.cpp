#include "app/cli/option_checks.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "app/cli/usage_error.h"
#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/library_store.h"
#include "core/library/media_type.h"

namespace abc::cli {

namespace {

bool readNumber(const std::string& text, std::size_t at, std::size_t digits, int& out) {
    if (at + digits > text.size()) {
        return false;
    }
    for (std::size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    return std::from_chars(text.data() + at, text.data() + at + digits, out).ec == std::errc();
}

// YYYY, YYYY-MM or YYYY-MM-DD to the day it stands for at `end`, or "" if it names no real
// day or month.
std::string dayAtRangeEnd(const std::string& text, RangeEnd end) {
    using namespace std::chrono;
    int y = 0;
    int m = end == RangeEnd::Start ? 1 : 12;
    int d = 0;
    if (!readNumber(text, 0, 4, y) || y < 1) {
        return {};
    }
    if (text.size() == 4) {
    } else if (text.size() == 7 && text[4] == '-' && readNumber(text, 5, 2, m)) {
    } else if (text.size() == 10 && text[4] == '-' && text[7] == '-' && readNumber(text, 5, 2, m) &&
               readNumber(text, 8, 2, d)) {
    } else {
        return {};
    }
    const year_month month{year{y}, std::chrono::month{static_cast<unsigned>(m)}};
    if (!month.ok()) {
        return {};
    }
    if (d == 0) {
        d = end == RangeEnd::Start
                ? 1
                : static_cast<int>(static_cast<unsigned>(year_month_day_last{month / last}.day()));
    }
    if (!(month / day{static_cast<unsigned>(d)}).ok()) {
        return {};
    }
    char out[32];  // room for any int, which the compiler cannot rule out
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

}  // namespace

CLI::Validator calendarDate(RangeEnd end) {
    return CLI::Validator(
        [end](std::string& value) -> std::string {
            const std::string day = dayAtRangeEnd(value, end);
            if (day.empty()) {
                return "\"" + value + "\" is not a date: give YYYY-MM-DD (or YYYY-MM, YYYY)";
            }
            value = day;
            return {};
        },
        "");
}

CLI::Validator mediaTypeSpelling() {
    std::string accepted;
    for (const auto& type : libraryMediaTypes()) {
        accepted += (accepted.empty() ? "" : ", ") + type;
    }
    return CLI::Validator(
        [accepted](std::string& value) -> std::string {
            const auto type = mediaTypeNamed(value);
            if (!type) {
                return "\"" + value + "\" is not a photo type: one of " + accepted +
                       " (or an extension such as jpg, tif)";
            }
            value = *type;
            return {};
        },
        "");
}

std::vector<std::string> libraryFoldersNamed(LibraryStore& store,
                                             const std::vector<std::string>& folders) {
    const auto libraryFolders = store.folders();
    std::vector<std::string> out;
    for (const auto& folder : folders) {
        Path path;
        try {
            path = Path::absolute(folder);
        } catch (const Error& error) {
            throw UsageError("--folder " + folder + ": " + error.problem());
        }
        const bool inLibrary =
            std::any_of(libraryFolders.begin(), libraryFolders.end(),
                        [&](const std::string& root) { return path.isUnder(Path(root)); });
        if (!inLibrary) {
            std::string known;
            for (const auto& root : libraryFolders) {
                known += "\n  " + root;
            }
            throw UsageError("--folder " + folder + ": not in the library " + store.path() +
                             (libraryFolders.empty() ? std::string(" (it has no folders yet)")
                                                     : "; its folders are:" + known));
        }
        out.push_back(path.string());
    }
    return out;
}

void checkDateRange(const std::string& from, const std::string& until) {
    if (!from.empty() && !until.empty() && until < from) {
        throw UsageError("--until " + until + " is before --from " + from + ": no photo can match");
    }
}

}  // namespace abc::cli
