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
};

using PhotoHits = QList<PhotoHit>;

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::PhotoHit)
Q_DECLARE_METATYPE(abc::ui::PhotoHits)
