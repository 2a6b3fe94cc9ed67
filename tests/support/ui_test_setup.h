// What every desktop test sets up first, once: settings of its own and the tiny model.
#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QSettings>
#include <QStandardPaths>
#include <QString>

#include "ui/app_settings.h"
#include "ui/photo_hit.h"
#include "ui/thumbnail_provider.h"

namespace abc::test {

// QStandardPaths in test mode and an application name of the test's own, with its settings
// emptied: a test never reads what a person (or another test) saved.
inline void useOwnApplicationSettings(const QString& applicationName) {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("abc-photos-test"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings().clear();
}

// The tiny reference checkpoint with both adapters, on the CPU in float32.
inline abc::ui::AppSettings tinySettings(const QString& libraryFile, int imageTokens = 256) {
    const QString reference = QStringLiteral(ABC_REFERENCE_DIR);
    abc::ui::AppSettings settings;
    settings.baseModel = reference + "/tiny-abc/Qwen2-VL";
    settings.pretrainAdapter = reference + "/tiny-abc/ABC-Pretrain";
    settings.instructAdapter = reference + "/tiny-abc/ABC-Instruct";
    settings.device = QStringLiteral("cpu");
    settings.precision = QStringLiteral("float32");
    settings.imageTokens = imageTokens;
    settings.libraryFile = libraryFile;
    return settings;
}

// The child of `parent` named `name`, found as a test (or assistive technology) finds it, not
// through a getter kept for tests; a missing one ends the run, naming it.
template <class T>
T* findNamed(const QObject& parent, const QString& name) {
    T* child = parent.findChild<T*>(name);
    if (child == nullptr) {
        qFatal("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    }
    return child;
}

// Whether every hit's thumbnail is in memory (asking schedules those that are not), so a
// screenshot shows pictures, not placeholders.
inline bool thumbnailsLoaded(abc::ui::ThumbnailProvider& thumbnails,
                             const abc::ui::PhotoHits& hits) {
    bool all = true;
    for (const abc::ui::PhotoHit& hit : hits) {
        all = !thumbnails.thumbnail(hit.path).isNull() && all;
    }
    return all;
}

}  // namespace abc::test
