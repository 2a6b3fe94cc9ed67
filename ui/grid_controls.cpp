#include "ui/grid_controls.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include "ui/results_view.h"

namespace abc::ui {

GridControls::GridControls(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("gridControls"));
    order_ = new QComboBox(this);
    order_->setObjectName(QStringLiteral("sortOrder"));
    order_->setAccessibleName(tr("Sort the photos by"));
    order_->addItem(tr("Best match"), static_cast<int>(ResultsModel::Order::Score));
    order_->addItem(tr("Date taken, newest first"),
                    static_cast<int>(ResultsModel::Order::TakenDate));
    order_->addItem(tr("Name"), static_cast<int>(ResultsModel::Order::Name));
    auto* orderLabel = new QLabel(tr("S&ort:"), this);
    orderLabel->setBuddy(order_);

    size_ = new QSlider(Qt::Horizontal, this);
    size_->setObjectName(QStringLiteral("thumbnailSize"));
    size_->setAccessibleName(tr("Thumbnail size"));
    size_->setToolTip(tr("Thumbnail size (Ctrl+wheel over the photos)"));
    size_->setRange(ResultsView::kSmallestThumbnail, ResultsView::kLargestThumbnail);
    size_->setSingleStep(16);
    size_->setPageStep(32);
    size_->setMaximumWidth(160);
    auto* sizeLabel = new QLabel(tr("Si&ze:"), this);
    sizeLabel->setBuddy(size_);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(orderLabel);
    layout->addWidget(order_);
    layout->addStretch(1);
    layout->addWidget(sizeLabel);
    layout->addWidget(size_);

    connect(order_, &QComboBox::currentIndexChanged, this, [this] { emit orderChanged(order()); });
    connect(size_, &QSlider::valueChanged, this, &GridControls::thumbnailEdgeChanged);
}

ResultsModel::Order GridControls::order() const {
    return static_cast<ResultsModel::Order>(order_->currentData().toInt());
}

void GridControls::showThumbnailEdge(int edge) {
    const QSignalBlocker quiet(size_);
    size_->setValue(edge);
}

}  // namespace abc::ui
