#include "ui/indexing_estimate.h"

#include <algorithm>

namespace abc::ui {

double assumedFlopsPerSecond(const QString& device, const QString& precision, int cpuThreads) {
    if (device == QStringLiteral("cpu"))
        return std::max(1, cpuThreads) * 25e9;  // float32, AVX2/AVX-512 GEMM
    const bool fp32 = precision == QStringLiteral("float32");
    return fp32 ? 40e12 : 150e12;  // sustained, a data-centre GPU; consumer cards are slower
}

double estimatedSecondsToIndex(const AppSettings& settings, int photos, int cpuThreads) {
    // The prompt around the image adds about 25 text tokens (as in the measured rate).
    const double perPhoto =
        settings.measuredSecondsPerToken > 0.0
            ? settings.measuredSecondsPerToken * (settings.imageTokens + 25)
            : estimatedSecondsPerPhoto(
                  settings.imageTokens,
                  assumedFlopsPerSecond(settings.device, settings.precision, cpuThreads));
    return perPhoto * std::max(0, photos);
}

}  // namespace abc::ui
