#include "ui/flow_layout.h"

#include <QWidget>
#include <algorithm>

namespace abc::ui {

FlowLayout::FlowLayout(QWidget* parent, int spacing) : QLayout(parent) {
    setSpacing(spacing);
}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem* item) {
    items_.append(item);
}

int FlowLayout::count() const {
    return static_cast<int>(items_.size());
}

QLayoutItem* FlowLayout::itemAt(int index) const {
    return items_.value(index);
}

QLayoutItem* FlowLayout::takeAt(int index) {
    if (index < 0 || index >= items_.size())
        return nullptr;
    return items_.takeAt(index);
}

Qt::Orientations FlowLayout::expandingDirections() const {
    return {};
}

int FlowLayout::heightForWidth(int width) const {
    return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const {
    // The widest single item: everything else can go to another row.
    QSize size;
    for (const QLayoutItem* item : items_) {
        if (!item->isEmpty())
            size = size.expandedTo(item->minimumSize());
    }
    const QMargins margins = contentsMargins();
    return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom());
}

QSize FlowLayout::sizeHint() const {
    // One row, as it looks when there is room.
    int width = 0;
    int height = 0;
    int shown = 0;
    for (const QLayoutItem* item : items_) {
        if (item->isEmpty())
            continue;
        const QSize hint = item->sizeHint();
        width += hint.width();
        height = std::max(height, hint.height());
        ++shown;
    }
    width += spacing() * std::max(0, shown - 1);
    const QMargins margins = contentsMargins();
    return {width + margins.left() + margins.right(), height + margins.top() + margins.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    const int gap = spacing();
    // Rows first, so each row's items can be centred vertically in it.
    QList<QList<QLayoutItem*>> rows(1);
    int x = 0;
    for (QLayoutItem* item : items_) {
        if (item->isEmpty())
            continue;
        const int width = std::min(item->sizeHint().width(), std::max(1, area.width()));
        if (x > 0 && x + gap + width > area.width()) {
            rows.append(QList<QLayoutItem*>());
            x = 0;
        }
        x += (x > 0 ? gap : 0) + width;
        rows.last().append(item);
    }
    int y = area.top();
    for (const auto& row : rows) {
        int rowHeight = 0;
        for (const QLayoutItem* item : row)
            rowHeight = std::max(rowHeight, item->sizeHint().height());
        int left = area.left();
        for (QLayoutItem* item : row) {
            const QSize hint = item->sizeHint();
            const int width = std::min(hint.width(), std::max(1, area.width()));
            if (apply) {
                item->setGeometry(
                    QRect(left, y + (rowHeight - hint.height()) / 2, width, hint.height()));
            }
            left += width + gap;
        }
        y += rowHeight + (row.isEmpty() ? 0 : gap);
    }
    const QMargins margins = contentsMargins();
    return y - gap - area.top() + margins.top() + margins.bottom();
}

}  // namespace abc::ui
