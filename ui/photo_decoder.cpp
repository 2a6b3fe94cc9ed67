#include "ui/photo_decoder.h"

#include <algorithm>
#include <exception>

#include "core/image/decode.h"
#include "core/image/probe.h"

namespace abc::ui {

namespace {

// The largest reduction libjpeg offers that keeps the longest side at `edge` or more, so the
// final smooth scaling only ever shrinks.
int jpegScaleFor(const ImageProbe& probe, int edge) {
    if (probe.format != ImageFormat::Jpeg || edge <= 0)
        return 1;
    const int longest = std::max(probe.width, probe.height);
    int denom = 1;
    while (denom < 8 && longest / (denom * 2) >= edge)
        denom *= 2;
    return denom;
}

QImage toQImage(const RgbImage& rgb) {
    QImage image(rgb.width, rgb.height, QImage::Format_RGB888);
    if (image.isNull())
        return {};
    for (int y = 0; y < rgb.height; ++y)
        std::copy_n(rgb.row(y), rgb.rowBytes(), image.scanLine(y));
    return image;
}

}  // namespace

DisplayImage decodePhotoForDisplay(const QString& path, int edge) {
    try {
        const std::filesystem::path file(path.toStdString());
        const std::vector<std::uint8_t> bytes = readFileBytes(file);
        const std::string subject = file.string();
        DecodeOptions options;
        options.jpegScaleDenom = jpegScaleFor(probeImage(bytes, subject), edge);
        const DecodedImage decoded = decodeImage(bytes, subject, options);
        QImage image = toQImage(decoded.rgb);
        if (image.isNull())
            return {{}, QStringLiteral("%1: not enough memory to show the photo").arg(path)};
        if (edge > 0 && (image.width() > edge || image.height() > edge)) {
            // A 5000x1 strip still gets a row of pixels.
            const QSize fitted = image.size().scaled(edge, edge, Qt::KeepAspectRatio);
            image = image.scaled(fitted.expandedTo(QSize(1, 1)), Qt::IgnoreAspectRatio,
                                 Qt::SmoothTransformation);
        }
        return {image, {}};
    } catch (const std::exception& error) {
        return {{}, QString::fromUtf8(error.what())};
    }
}

}  // namespace abc::ui
