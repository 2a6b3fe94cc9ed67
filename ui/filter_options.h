#pragma once

#include <QDate>
#include <QMetaType>
#include <QStringList>

namespace abc::ui {

// What the filter bar can offer: the library's folders, the media types present and the days
// the photos were taken. Read on the search thread, so a value that crosses threads by copy.
struct FilterOptions {
    QStringList folders;     // absolute, as the library stores them
    QStringList subfolders;  // below them, holding photos; sorted, so each follows its parent
    QStringList mediaTypes;  // as stored ("jpeg", "png", ...), sorted
    QDate earliest;          // invalid when no photo has a date
    QDate latest;
    int undated = 0;  // photos a date range leaves out
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::FilterOptions)
