#include "ui/readable_colour.h"

#include <algorithm>
#include <cmath>

namespace abc::ui {

namespace {

double linear(double channel) {
    return channel <= 0.03928 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double relativeLuminance(const QColor& colour) {
    const QColor rgb = colour.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) +
           0.0722 * linear(rgb.blueF());
}

}  // namespace

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readableOn(const QColor& colour, const QColor& background, double minimum) {
    if (contrastRatio(colour, background) >= minimum)
        return colour;
    // Black and white contrast equally (about 4.58:1) with a background of luminance 0.179,
    // so moving towards the farther one always reaches 4.5:1.
    const bool darken = relativeLuminance(background) > 0.179;
    const QColor hsl = colour.toHsl();
    const float hue = hsl.hslHueF();
    const float saturation = hsl.hslSaturationF();
    float lightness = hsl.lightnessF();
    for (int step = 0; step < 256; ++step) {
        lightness = std::clamp(lightness + (darken ? -1.0f : 1.0f) / 255.0f, 0.0f, 1.0f);
        // Rounded to 8 bits per channel first, so the colour checked is the colour drawn.
        const QColor candidate(QColor::fromHslF(hue, saturation, lightness).rgb());
        if (contrastRatio(candidate, background) >= minimum)
            return candidate;
    }
    return darken ? QColor(Qt::black) : QColor(Qt::white);
}

}  // namespace abc::ui
