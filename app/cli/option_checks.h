#pragma once

#include <string>
#include <vector>

namespace CLI {
class Validator;
}

namespace abc {
class LibraryStore;
}

namespace abc::cli {

// Which end of a date range an option gives: "2024" means 2024-01-01 as a start and
// 2024-12-31 as an end; "2024-02" the first or last day of February.
enum class RangeEnd { Start, End };

// For ->transform() on an option typed DATE. Accepts YYYY, YYYY-MM or YYYY-MM-DD naming a real day
// or month, and rewrites the value to the YYYY-MM-DD it stands for at that end of a range. Anything
// else is refused with what it accepts (2024-13-45, banana).
CLI::Validator calendarDate(RangeEnd end);

// For ->transform() on an option typed TYPE. Accepts a media type or file extension in any case
// (JPG, .jpeg, HEIF, tif) and rewrites it to the type the library records ("jpeg", "heic", "tiff").
CLI::Validator mediaTypeSpelling();

// The --folder values as the library records folders (absolute, normalised). Each must be a
// library folder or lie inside one; otherwise UsageError naming it and the library's folders.
std::vector<std::string> libraryFoldersNamed(LibraryStore& store,
                                             const std::vector<std::string>& folders);

// "--from A --until B" with B before A selects nothing: UsageError.
void checkDateRange(const std::string& from, const std::string& until);

}  // namespace abc::cli
