#include "core/library/filter_choices.h"

#include <chrono>
#include <set>

#include "core/library/library_store.h"

namespace abc {

namespace {

// Whether `text` is "YYYY-MM-DD" naming a day of the Gregorian calendar (year 1 on).
bool isCalendarDay(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int part = 0; part < 3; ++part) {
        for (std::size_t i = starts[part]; i < starts[part] + lengths[part]; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                return false;
            }
            parts[part] = parts[part] * 10 + (text[i] - '0');
        }
    }
    const std::chrono::year_month_day date{std::chrono::year{parts[0]},
                                           std::chrono::month{static_cast<unsigned>(parts[1])},
                                           std::chrono::day{static_cast<unsigned>(parts[2])}};
    return parts[0] >= 1 && date.ok();
}

}  // namespace

FilterChoices filterChoices(LibraryStore& store) {
    FilterChoices choices;
    choices.folders = store.folders();
    std::set<std::string> types;
    for (const PhotoRecord& photo : store.allPhotos()) {
        if (!photo.mediaType.empty()) {
            types.insert(photo.mediaType);
        }
        // The date filter compares the day part of the EXIF date ("YYYY-MM-DD hh:mm:ss").
        const std::string day = photo.takenAt ? photo.takenAt->substr(0, 10) : std::string();
        if (!isCalendarDay(day)) {
            ++choices.undated;
            continue;
        }
        if (!choices.earliestDay || day < *choices.earliestDay) {
            choices.earliestDay = day;
        }
        if (!choices.latestDay || day > *choices.latestDay) {
            choices.latestDay = day;
        }
    }
    choices.mediaTypes.assign(types.begin(), types.end());
    return choices;
}

}  // namespace abc
