#include "ui/app_settings.h"

#include <QSettings>
#include <algorithm>

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

AppSettings AppSettings::load() {
    QSettings settings;
    AppSettings out;
    settings.beginGroup(QStringLiteral("model"));
    out.baseModel = settings.value(QStringLiteral("base"), out.baseModel).toString();
    out.pretrainAdapter =
        settings.value(QStringLiteral("pretrain"), out.pretrainAdapter).toString();
    out.instructAdapter =
        settings.value(QStringLiteral("instruct"), out.instructAdapter).toString();
    out.device = settings.value(QStringLiteral("device"), out.device).toString();
    out.precision = settings.value(QStringLiteral("precision"), out.precision).toString();
    out.imageTokens = settings.value(QStringLiteral("imageTokens"), out.imageTokens).toInt();
    out.measuredSecondsPerToken =
        settings.value(QStringLiteral("measuredSecondsPerToken"), 0.0).toDouble();
    settings.endGroup();
    out.libraryFile = settings.value(QStringLiteral("library/file")).toString();
    out.instructionHistory = settings.value(QStringLiteral("search/instructions")).toStringList();
    settings.beginGroup(QStringLiteral("filter"));
    out.filter.folder = settings.value(QStringLiteral("folder")).toString();
    out.filter.takenFrom = readDate(settings, QStringLiteral("takenFrom"));
    out.filter.takenUntil = readDate(settings, QStringLiteral("takenUntil"));
    out.filter.mediaType = settings.value(QStringLiteral("mediaType")).toString();
    settings.endGroup();
    return out;
}

void AppSettings::save() const {
    QSettings settings;
    settings.beginGroup(QStringLiteral("model"));
    settings.setValue(QStringLiteral("base"), baseModel);
    settings.setValue(QStringLiteral("pretrain"), pretrainAdapter);
    settings.setValue(QStringLiteral("instruct"), instructAdapter);
    settings.setValue(QStringLiteral("device"), device);
    settings.setValue(QStringLiteral("precision"), precision);
    settings.setValue(QStringLiteral("imageTokens"), imageTokens);
    settings.setValue(QStringLiteral("measuredSecondsPerToken"), measuredSecondsPerToken);
    settings.endGroup();
    settings.setValue(QStringLiteral("library/file"), libraryFile);
    saveInstructionHistory();
    saveFilter();
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
