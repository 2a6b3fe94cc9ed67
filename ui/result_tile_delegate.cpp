#include "ui/result_tile_delegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include "ui/results_model.h"

namespace abc::ui {

namespace {
constexpr int kPadding = 6;
}

ResultTileDelegate::ResultTileDelegate(int thumbnailEdge, QObject* parent)
    : QStyledItemDelegate(parent), edge_(thumbnailEdge) {}

QSize ResultTileDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const int textHeight = option.fontMetrics.height();
    return {edge_ + 2 * kPadding, edge_ + 3 * kPadding + textHeight};
}

void ResultTileDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const {
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    const QPalette& palette = option.palette;
    const QRect tile = option.rect.adjusted(2, 2, -2, -2);
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;

    if (selected || hovered) {
        QColor fill = palette.color(QPalette::Highlight);
        fill.setAlpha(selected ? 90 : 35);
        painter->setPen(selected ? QPen(palette.color(QPalette::Highlight), 2) : Qt::NoPen);
        painter->setBrush(fill);
        painter->drawRoundedRect(tile, 6, 6);
    }

    const QRect imageBox(tile.left() + kPadding - 2, tile.top() + kPadding - 2, edge_, edge_);
    const auto pixmap = index.data(ResultsModel::ThumbnailRole).value<QPixmap>();
    if (pixmap.isNull()) {
        // A calm placeholder while the thumbnail is decoded off the GUI thread.
        painter->setPen(Qt::NoPen);
        painter->setBrush(palette.color(QPalette::AlternateBase));
        painter->drawRoundedRect(imageBox.adjusted(8, 8, -8, -8), 4, 4);
    } else {
        const QSize fitted = pixmap.size().scaled(imageBox.size(), Qt::KeepAspectRatio);
        const QRect target(imageBox.left() + (imageBox.width() - fitted.width()) / 2,
                           imageBox.top() + (imageBox.height() - fitted.height()) / 2,
                           fitted.width(), fitted.height());
        painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter->drawPixmap(target, pixmap);
    }

    // The score badge: what the ranking is based on, readable on any photo.
    const QVariant score = index.data(ResultsModel::ScoreRole);
    if (score.isValid()) {
        QFont badgeFont = option.font;
        badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.85);
        badgeFont.setBold(true);
        const QString text = QString::number(score.toFloat(), 'f', 3);
        const QFontMetrics metrics(badgeFont);
        const QRect badge(imageBox.right() - metrics.horizontalAdvance(text) - 12,
                          imageBox.top() + 4, metrics.horizontalAdvance(text) + 8,
                          metrics.height() + 2);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(0, 0, 0, 160));
        painter->drawRoundedRect(badge, 4, 4);
        painter->setFont(badgeFont);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, text);
    }

    const QRect textRect(tile.left() + kPadding - 2, imageBox.bottom() + kPadding, edge_,
                         option.fontMetrics.height());
    painter->setFont(option.font);
    painter->setPen(palette.color(QPalette::Text));  // the tile sits on Base
    const QString name = index.data(Qt::DisplayRole).toString();
    painter->drawText(textRect, Qt::AlignHCenter | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(name, Qt::ElideMiddle, textRect.width()));

    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), 1, Qt::DotLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(tile.adjusted(1, 1, -1, -1), 6, 6);
    }
    painter->restore();
}

}  // namespace abc::ui
