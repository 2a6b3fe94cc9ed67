#include "ui/app_settings.h"

#include <QSettings>
#include <QStandardPaths>
#include <algorithm>

#include "core/io/error.h"

namespace abc::ui {

namespace {

constexpr int kHistoryLength = 20;

// Dates are stored as ISO text so the settings file stays readable and locale-independent.
QDate readDate(const QSettings& settings, const QString& key) {
    return QDate::fromString(settings.value(key).toString(), Qt::ISODate);
}

QString dateText(const QDate& date) {
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

}  // namespace

double estimatedSecondsPerPhoto(int imageTokens, double flopsPerSecond) {
    constexpr double kFlopsPerToken = 2.0 * 8.3e9;
    // The prompt around the image adds about 25 text tokens.
    return (imageTokens + 25) * kFlopsPerToken / std::max(1e9, flopsPerSecond);
}

std::filesystem::path sharedSettingsFile() {
    // QStandardPaths, not SharedSettings::defaultPath(): the same file ($XDG_CONFIG_HOME) for
    // users, a private one under QStandardPaths' test mode.
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return std::filesystem::path(config.toStdString()) / "abc-photos" / "settings.json";
}

AppSettings AppSettings::load() {
    QSettings settings;
    AppSettings out;
    SharedSettings shared;
    const std::filesystem::path file = sharedSettingsFile();
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        try {
            shared = SharedSettings::load(file);
        } catch (const Error& e) {
            out.settingsProblem = QString::fromStdString(e.what());
        }
    } else {
        // Written before the settings were shared with abc-photos-cli: the model group of
        // this application's own settings, moved to the shared file by the next save().
        settings.beginGroup(QStringLiteral("model"));
        const auto text = [&](const char* key, std::string& value) {
            value = settings.value(QLatin1String(key), QString::fromStdString(value))
                        .toString()
                        .toStdString();
        };
        text("base", shared.model.base);
        text("pretrain", shared.model.pretrainAdapter);
        text("instruct", shared.model.instructAdapter);
        text("device", shared.device);
        text("precision", shared.precision);
        shared.imageTokens =
            settings.value(QStringLiteral("imageTokens"), shared.imageTokens).toInt();
        settings.endGroup();
        shared.libraryFile =
            settings.value(QStringLiteral("library/file"), QString()).toString().toStdString();
    }
    out.baseModel = QString::fromStdString(shared.model.base);
    out.pretrainAdapter = QString::fromStdString(shared.model.pretrainAdapter);
    out.instructAdapter = QString::fromStdString(shared.model.instructAdapter);
    out.device = QString::fromStdString(shared.device);
    out.precision = QString::fromStdString(shared.precision);
    out.imageTokens = shared.imageTokens;
    out.libraryFile = QString::fromStdString(shared.libraryFile);
    out.measuredSecondsPerToken =
        settings.value(QStringLiteral("model/measuredSecondsPerToken"), 0.0).toDouble();
    out.measuredDevice = settings.value(QStringLiteral("model/measuredDevice")).toString();
    out.measuredPrecision = settings.value(QStringLiteral("model/measuredPrecision")).toString();
    out.searchedImageTokens =
        settings.value(QStringLiteral("model/searchedImageTokens"), 0).toInt();
    out.instructionHistory = settings.value(QStringLiteral("search/instructions")).toStringList();
    out.resumeIndexingAtStart =
        settings.value(QStringLiteral("library/resumeAtStart"), out.resumeIndexingAtStart).toBool();
    out.watchFolders =
        settings.value(QStringLiteral("library/watchFolders"), out.watchFolders).toBool();
    settings.beginGroup(QStringLiteral("filter"));
    out.filter.folder = settings.value(QStringLiteral("folder")).toString();
    out.filter.takenFrom = readDate(settings, QStringLiteral("takenFrom"));
    out.filter.takenUntil = readDate(settings, QStringLiteral("takenUntil"));
    out.filter.mediaType = settings.value(QStringLiteral("mediaType")).toString();
    settings.endGroup();
    return out;
}

SharedSettings AppSettings::shared() const {
    SharedSettings out;
    out.model.base = baseModel.toStdString();
    out.model.pretrainAdapter = pretrainAdapter.toStdString();
    out.model.instructAdapter = instructAdapter.toStdString();
    out.device = device.toStdString();
    out.precision = precision.toStdString();
    out.imageTokens = imageTokens;
    out.libraryFile = libraryFile.toStdString();
    return out;
}

QString AppSettings::save() const {
    QString problem;
    try {
        shared().save(sharedSettingsFile());
    } catch (const Error& e) {
        problem = QString::fromStdString(e.what());
    }
    QSettings settings;
    if (problem.isEmpty()) {
        // Moved to the shared file; an old copy here would come back if that file went away.
        for (const char* key : {"model/base", "model/pretrain", "model/instruct", "model/device",
                                "model/precision", "model/imageTokens", "library/file"}) {
            settings.remove(QLatin1String(key));
        }
    }
    settings.setValue(QStringLiteral("model/searchedImageTokens"), searchedImageTokens);
    settings.setValue(QStringLiteral("library/resumeAtStart"), resumeIndexingAtStart);
    settings.setValue(QStringLiteral("library/watchFolders"), watchFolders);
    saveMeasurement();
    saveInstructionHistory();
    saveFilter();
    return problem;
}

void AppSettings::saveMeasurement() const {
    QSettings settings;
    settings.setValue(QStringLiteral("model/measuredSecondsPerToken"), measuredSecondsPerToken);
    settings.setValue(QStringLiteral("model/measuredDevice"), measuredDevice);
    settings.setValue(QStringLiteral("model/measuredPrecision"), measuredPrecision);
}

void AppSettings::saveSearchedImageTokens() const {
    QSettings().setValue(QStringLiteral("model/searchedImageTokens"), searchedImageTokens);
}

void AppSettings::saveInstructionHistory() const {
    QSettings settings;
    settings.setValue(QStringLiteral("search/instructions"), instructionHistory);
}

void AppSettings::saveFilter() const {
    QSettings settings;
    settings.beginGroup(QStringLiteral("filter"));
    settings.setValue(QStringLiteral("folder"), filter.folder);
    settings.setValue(QStringLiteral("takenFrom"), dateText(filter.takenFrom));
    settings.setValue(QStringLiteral("takenUntil"), dateText(filter.takenUntil));
    settings.setValue(QStringLiteral("mediaType"), filter.mediaType);
    settings.endGroup();
}

void AppSettings::rememberInstruction(const QString& instruction) {
    const QString trimmed = instruction.trimmed();
    if (trimmed.isEmpty())
        return;
    instructionHistory.removeAll(trimmed);
    instructionHistory.prepend(trimmed);
    while (instructionHistory.size() > kHistoryLength)
        instructionHistory.removeLast();
}

}  // namespace abc::ui
