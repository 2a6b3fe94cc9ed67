#pragma once

#include <QString>
#include <QStringList>

#include <filesystem>

#include "core/library/shared_settings.h"
#include "ui/photo_filter.h"

namespace abc::ui {

// Rough seconds per photo for a budget: the 7B decoder plus the vision tower cost about
// 2 x 8.3e9 floating-point operations per image token; `flopsPerSecond` is what the device
// sustains. Shown as an estimate until a measured rate exists.
double estimatedSecondsPerPhoto(int imageTokens, double flopsPerSecond);

// The shared settings file (SharedSettings) as this application finds it: the XDG location,
// or a private one under QStandardPaths' test mode.
std::filesystem::path sharedSettingsFile();

// Everything the application remembers between runs. The model, image detail and library
// live in the file shared with abc-photos-cli (sharedSettingsFile()); the rest in QSettings
// (organisation/application names set by main()).
struct AppSettings {
    // The shared settings, as the widgets edit them (see SharedSettings for each).
    QString baseModel = QString::fromStdString(SharedSettings{}.model.base);
    QString pretrainAdapter = QString::fromStdString(SharedSettings{}.model.pretrainAdapter);
    QString instructAdapter = QString::fromStdString(SharedSettings{}.model.instructAdapter);
    QString device;  // "" = the best available, else "cpu", "cuda:N"
    QString precision = QString::fromStdString(SharedSettings{}.precision);
    int imageTokens = SharedSettings{}.imageTokens;
    QString libraryFile;  // "" = the library's default location
    QStringList instructionHistory;
    double measuredSecondsPerToken = 0.0;  // from the last indexing run, 0 = none yet
    // The device and precision settings that run had (as `device` and `precision` say them):
    // the rate holds for those only.
    QString measuredDevice;
    QString measuredPrecision;
    // The image detail of the vectors searches keep using after imageTokens changed, until the
    // library is indexed again at imageTokens; 0 = none (searches use imageTokens' vectors).
    int searchedImageTokens = 0;
    PhotoFilter filter;  // the filter bar's last choice
    // Photos a run left without vectors (cancelled, the window closed) are indexed as soon as
    // the library opens, without asking; off: the window offers it in a bar.
    bool resumeIndexingAtStart = true;
    // The library's folders are watched, and new, changed and removed photos indexed soon after.
    bool watchFolders = true;

    // Why the shared settings file could not be read ("" when it could): the defaults stand
    // in, and the window says so.
    QString settingsProblem;

    static AppSettings load();
    // Returns why the shared settings could not be written, "" when they were.
    QString save() const;
    SharedSettings shared() const;
    // Writes only the filter, which changes often and on its own.
    void saveFilter() const;
    // Writes only the measured rate and what it was measured with, as soon as a run ends: the
    // estimates after a restart are the measured ones.
    void saveMeasurement() const;
    // Writes only searchedImageTokens, as soon as the new vectors caught up.
    void saveSearchedImageTokens() const;
    // Writes only the instruction history, as soon as it changes, so a crash keeps it.
    void saveInstructionHistory() const;
    void rememberInstruction(const QString& instruction);
};

}  // namespace abc::ui
