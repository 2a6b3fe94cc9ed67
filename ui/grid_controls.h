#pragma once

#include <QWidget>

#include "ui/results_model.h"

class QComboBox;
class QSlider;

namespace abc::ui {

// The line over the grid that arranges it: the order of the photos (score, date taken, name)
// and the size of the thumbnails.
class GridControls : public QWidget {
    Q_OBJECT

  public:
    explicit GridControls(QWidget* parent = nullptr);

    QComboBox* orderChoice() const { return order_; }
    QSlider* sizeSlider() const { return size_; }
    ResultsModel::Order order() const;
    // Shown without telling (the grid's own Ctrl+wheel, a restored size).
    void showThumbnailEdge(int edge);

  signals:
    void orderChanged(abc::ui::ResultsModel::Order order);
    void thumbnailEdgeChanged(int edge);

  private:
    QComboBox* order_ = nullptr;
    QSlider* size_ = nullptr;
};

}  // namespace abc::ui
