#pragma once

#include <QString>

#include "ui/app_settings.h"

namespace abc::ui {

// What a device sustains on the model, for estimates made before anything was measured:
// `device` "cpu" (with `cpuThreads`), else a GPU at `precision`.
double assumedFlopsPerSecond(const QString& device, const QString& precision, int cpuThreads);

// About how long embedding `photos` photos takes with `settings` (the image detail, the device):
// the rate measured by the last indexing run when there is one, else assumedFlopsPerSecond's.
double estimatedSecondsToIndex(const AppSettings& settings, int photos, int cpuThreads);

}  // namespace abc::ui
