#include "ui/app_settings.h"

#include <QSettings>
#include <algorithm>

namespace abc::ui {

namespace {
constexpr int kHistoryLength = 20;
}

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
    settings.setValue(QStringLiteral("search/instructions"), instructionHistory);
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
