#pragma once

#include <QColor>

namespace abc::ui {

// WCAG 2 contrast ratio of two opaque colours, from 1 (same luminance) to 21 (black on white).
double contrastRatio(const QColor& a, const QColor& b);

// `colour` itself when it reaches `minimum` contrast on `background`; otherwise the same hue
// made darker (on a light background) or lighter (on a dark one), just enough to reach it. So a
// status colour (green for found, red for missing) stays recognisable and readable under a
// light and a dark palette alike.
QColor readableOn(const QColor& colour, const QColor& background, double minimum = 4.5);

}  // namespace abc::ui
