#include "ui/photo_filter.h"

#include <optional>
#include <string>

#include "core/library/photo_search.h"

namespace abc::ui {

namespace {

std::optional<std::string> isoDay(const QDate& date) {
    if (!date.isValid())
        return std::nullopt;
    return date.toString(Qt::ISODate).toStdString();
}

}  // namespace

abc::SearchFilter toSearchFilter(const PhotoFilter& filter) {
    abc::SearchFilter out;
    if (!filter.folder.isEmpty())
        out.folders = {filter.folder.toStdString()};
    out.takenFrom = isoDay(filter.takenFrom);
    out.takenUntil = isoDay(filter.takenUntil);
    if (!filter.mediaType.isEmpty())
        out.mediaTypes = {filter.mediaType.toStdString()};
    return out;
}

}  // namespace abc::ui
