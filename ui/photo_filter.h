#pragma once

#include <QDate>
#include <QMetaType>
#include <QString>

namespace abc {
struct SearchFilter;
}

namespace abc::ui {

// Which photos a search may return, whatever the query: the filter bar's choice. A value, so
// it is stored in the settings and travels to the search thread by copy. Empty members do not
// filter.
struct PhotoFilter {
    QString folder;     // one library folder (absolute), "" = all of them
    QDate takenFrom;    // inclusive; invalid = no lower bound
    QDate takenUntil;   // inclusive; invalid = no upper bound
    QString mediaType;  // as the library stores it ("jpeg", "png", "heic", ...), "" = any

    bool hasDateRange() const { return takenFrom.isValid() || takenUntil.isValid(); }
    // How many of folder / date / type restrict the results.
    int activeCount() const {
        return (folder.isEmpty() ? 0 : 1) + (hasDateRange() ? 1 : 0) +
               (mediaType.isEmpty() ? 0 : 1);
    }
    bool isActive() const { return activeCount() > 0; }
    bool operator==(const PhotoFilter&) const = default;
};

// The library's form of the filter. A date range leaves out photos without an EXIF date.
abc::SearchFilter toSearchFilter(const PhotoFilter& filter);

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::PhotoFilter)
