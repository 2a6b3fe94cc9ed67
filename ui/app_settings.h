#pragma once

#include <QString>
#include <QStringList>

#include "ui/photo_filter.h"

namespace abc::ui {

// The image-token budget decides how finely a photo is seen (Qwen2-VL max_pixels / 28²) and
// most of the time each photo takes.
struct TokenBudgetPreset {
    const char* key;
    const char* label;
    int tokens;
};
inline constexpr TokenBudgetPreset kTokenBudgetPresets[] = {
    {"fast", "Fast", 256}, {"balanced", "Balanced", 576}, {"best", "Best", 1024}};

// Rough seconds per photo for a budget: the 7B decoder plus the vision tower cost about
// 2 x 8.3e9 floating-point operations per image token; `flopsPerSecond` is what the device
// sustains. Shown as an estimate until a measured rate exists.
double estimatedSecondsPerPhoto(int imageTokens, double flopsPerSecond);

// Everything the application remembers between runs (QSettings, organisation/application
// names set by main()).
struct AppSettings {
    QString baseModel = QStringLiteral("Qwen/Qwen2-VL-7B-Instruct");
    QString pretrainAdapter = QStringLiteral("TIGER-Lab/ABC-Qwen2VL-Pretrain");
    QString instructAdapter = QStringLiteral("TIGER-Lab/ABC-Qwen2VL-Instruct");
    QString device;                              // "" = the best available, else "cpu", "cuda:N"
    QString precision = QStringLiteral("auto");  // "auto", "float32", "bfloat16"
    int imageTokens = 576;
    QString libraryFile;  // "" = the library's default location
    QStringList instructionHistory;
    double measuredSecondsPerToken = 0.0;  // from the last indexing run, 0 = none yet
    PhotoFilter filter;                    // the filter bar's last choice

    static AppSettings load();
    void save() const;
    // Writes only the filter, which changes often and on its own.
    void saveFilter() const;
    // Writes only the instruction history, as soon as it changes, so a crash keeps it.
    void saveInstructionHistory() const;
    void rememberInstruction(const QString& instruction);
};

}  // namespace abc::ui
