#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace abc::ui {

// One ranked photo as the window shows it. A plain value so results travel from worker threads
// to the GUI thread over queued signals without touching the library.
struct PhotoHit {
    QString path;
    float score = 0.0f;
    bool scored = true;  // false when listed without a query (browsing): no score to show
    // EXIF date taken as "YYYY-MM-DD HH:MM:SS"; "" when the photo has none or it was not
    // looked up (see ResultsModel::takenDatesKnown).
    QString takenAt;
};

using PhotoHits = QList<PhotoHit>;

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::PhotoHit)
Q_DECLARE_METATYPE(abc::ui::PhotoHits)
