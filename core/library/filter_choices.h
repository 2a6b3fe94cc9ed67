#pragma once

#include <optional>
#include <string>
#include <vector>

namespace abc {

class LibraryStore;

// What a search filter can choose from in one library: its folders, the media types its
// photos have and the days they were taken on.
struct FilterChoices {
    std::vector<std::string> folders;        // as the library stores them, sorted
    std::vector<std::string> mediaTypes;     // as stored ("jpeg", "png", ...), sorted, distinct
    std::optional<std::string> earliestDay;  // "YYYY-MM-DD"; none when no photo has a date
    std::optional<std::string> latestDay;
    int undated = 0;  // photos without a valid date, which any date range leaves out
};
FilterChoices filterChoices(LibraryStore& store);

}  // namespace abc
