#include "ui/similarity_heatmap.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace abc::ui {

namespace {

// A perceptually ordered dark-blue -> teal -> yellow ramp (viridis anchor points), readable in
// light and dark palettes alike.
QColor rampColor(double t) {
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                   QColor(94, 201, 98), QColor(253, 231, 37)};
    constexpr int last = 4;
    t = std::clamp(t, 0.0, 1.0) * last;
    const int i = std::min(static_cast<int>(t), last - 1);
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QColor textOn(const QColor& background) {
    const double luminance =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? QColor(20, 20, 20) : QColor(245, 245, 245);
}

}  // namespace

SimilarityHeatmap::SimilarityHeatmap(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("similarityHeatmap"));
    setAccessibleName(tr("Similarity matrix"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void SimilarityHeatmap::setMatrix(SimilarityMatrix matrix) {
    matrix_ = std::move(matrix);
    QStringList description;
    for (int row = 0; row < matrix_.rows() && !matrix_.isEmpty(); ++row) {
        for (int column = 0; column < matrix_.columns(); ++column) {
            description << tr("%1 / %2: %3")
                               .arg(matrix_.instructions.at(row), matrix_.candidates.at(column))
                               .arg(matrix_.at(row, column), 0, 'f', 4);
        }
    }
    setAccessibleDescription(description.join(QStringLiteral("; ")));
    updateGeometry();
    update();
}

QSize SimilarityHeatmap::sizeHint() const {
    return {120 + 120 * std::max(1, matrix_.columns()), 40 + 48 * std::max(1, matrix_.rows())};
}

QSize SimilarityHeatmap::minimumSizeHint() const {
    return {240, 120};
}

void SimilarityHeatmap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintMatrix(painter, rect());
}

QImage SimilarityHeatmap::toImage(int width) const {
    const int labelRows = 1;
    const int height = 16 + 40 * labelRows + 56 * std::max(1, matrix_.rows()) + 36;
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Window));
    QPainter painter(&image);
    painter.setFont(font());
    paintMatrix(painter, image.rect());
    return image;
}

void SimilarityHeatmap::paintMatrix(QPainter& painter, const QRect& area) const {
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QPalette& pal = palette();
    const QFontMetrics metrics(painter.font());
    if (matrix_.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Choose an image, write instructions and candidate texts, then "
                            "press Compute."));
        return;
    }

    const int margin = 8;
    const int legendHeight = metrics.height() + 16;
    int labelWidth = 0;
    for (const QString& instruction : matrix_.instructions) {
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(instruction));
    }
    labelWidth = std::min(labelWidth + 2 * margin, area.width() * 2 / 5);
    const int headerHeight = 2 * metrics.height() + margin;
    const QRect grid(area.left() + labelWidth, area.top() + headerHeight + margin,
                     area.width() - labelWidth - margin,
                     area.height() - headerHeight - legendHeight - 2 * margin);
    if (grid.width() <= 0 || grid.height() <= 0)
        return;
    const double cellW = static_cast<double>(grid.width()) / matrix_.columns();
    const double cellH = std::min(64.0, static_cast<double>(grid.height()) / matrix_.rows());

    const auto [minIt, maxIt] = std::minmax_element(matrix_.values.cbegin(), matrix_.values.cend());
    const double low = *minIt;
    const double span = std::max(1e-6, static_cast<double>(*maxIt) - low);

    painter.setPen(pal.color(QPalette::WindowText));
    for (int column = 0; column < matrix_.columns(); ++column) {
        const QRectF header(grid.left() + column * cellW, area.top() + margin, cellW, headerHeight);
        painter.drawText(header.adjusted(4, 0, -4, 0),
                         Qt::AlignHCenter | Qt::AlignBottom | Qt::TextWordWrap,
                         matrix_.candidates.at(column));
    }
    for (int row = 0; row < matrix_.rows(); ++row) {
        const QRectF label(area.left() + margin, grid.top() + row * cellH, labelWidth - 2 * margin,
                           cellH);
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter | Qt::TextWordWrap,
                         matrix_.instructions.at(row));
        int best = 0;
        for (int column = 1; column < matrix_.columns(); ++column) {
            if (matrix_.at(row, column) > matrix_.at(row, best))
                best = column;
        }
        for (int column = 0; column < matrix_.columns(); ++column) {
            const double value = matrix_.at(row, column);
            const QRectF cell(grid.left() + column * cellW, grid.top() + row * cellH, cellW, cellH);
            const QColor fill = rampColor((value - low) / span);
            painter.setPen(Qt::NoPen);
            painter.setBrush(fill);
            painter.drawRect(cell.adjusted(1, 1, -1, -1));
            QFont valueFont = painter.font();
            valueFont.setBold(column == best);
            painter.setFont(valueFont);
            painter.setPen(textOn(fill));
            painter.drawText(cell, Qt::AlignCenter, QString::number(value, 'f', 4));
            valueFont.setBold(false);
            painter.setFont(valueFont);
            if (column == best && matrix_.columns() > 1) {
                painter.setPen(QPen(pal.color(QPalette::WindowText), 2));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(cell.adjusted(2, 2, -2, -2));
            }
        }
    }

    // Legend: the colour ramp between the lowest and highest value shown.
    const QRect legend(grid.left(), static_cast<int>(grid.top() + matrix_.rows() * cellH) + margin,
                       std::min(grid.width(), 320), 10);
    for (int x = 0; x < legend.width(); ++x) {
        painter.setPen(rampColor(static_cast<double>(x) / std::max(1, legend.width() - 1)));
        painter.drawLine(legend.left() + x, legend.top(), legend.left() + x, legend.bottom());
    }
    painter.setPen(pal.color(QPalette::WindowText));
    const QRect legendText(legend.left(), legend.bottom() + 2, legend.width(), metrics.height());
    painter.drawText(legendText, Qt::AlignLeft, QString::number(low, 'f', 4));
    painter.drawText(legendText, Qt::AlignRight, QString::number(*maxIt, 'f', 4));
    painter.drawText(QRect(legend.right() + margin, legend.top() - 4, 200, metrics.height() + 8),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("cosine similarity"));
}

}  // namespace abc::ui
