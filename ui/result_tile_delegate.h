#pragma once

#include <QStyledItemDelegate>

namespace abc::ui {

// Paints one result: the thumbnail fitted in a square, the file name under it and the score
// in a badge. A fixed size hint lets the view lay out 10,000 tiles without asking each one.
class ResultTileDelegate : public QStyledItemDelegate {
    Q_OBJECT

  public:
    explicit ResultTileDelegate(int thumbnailEdge = 160, QObject* parent = nullptr);

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    int thumbnailEdge() const { return edge_; }
    void setThumbnailEdge(int edge) { edge_ = edge; }

  private:
    int edge_;
};

}  // namespace abc::ui
