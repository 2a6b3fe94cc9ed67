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
    // "Best match" only where there are scores: photos listed without a query come by date
    // taken, and that is what the box then says. The person's own choice comes back with the
    // next query. Changes the box without telling: the caller applies order() itself.
    void offerScoreOrder(bool offered);

  signals:
    void orderChanged(abc::ui::ResultsModel::Order order);
    void thumbnailEdgeChanged(int edge);

  private:
    void addScoreItem();

    QComboBox* order_ = nullptr;
    ResultsModel::Order chosen_ = ResultsModel::Order::Score;
    QSlider* size_ = nullptr;
};

}  // namespace abc::ui
