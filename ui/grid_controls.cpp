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
    addScoreItem();
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

    connect(order_, &QComboBox::currentIndexChanged, this, [this] {
        chosen_ = order();
        emit orderChanged(chosen_);
    });
    connect(size_, &QSlider::valueChanged, this, &GridControls::thumbnailEdgeChanged);
}

ResultsModel::Order GridControls::order() const {
    return static_cast<ResultsModel::Order>(order_->currentData().toInt());
}

void GridControls::addScoreItem() {
    order_->insertItem(0, tr("Best match"), static_cast<int>(ResultsModel::Order::Score));
}

void GridControls::offerScoreOrder(bool offered) {
    const int score = order_->findData(static_cast<int>(ResultsModel::Order::Score));
    if (offered == (score >= 0))
        return;
    const QSignalBlocker quiet(order_);
    const ResultsModel::Order wanted = chosen_;
    if (offered) {
        addScoreItem();
    } else {
        order_->removeItem(score);
    }
    const ResultsModel::Order shown =
        !offered && wanted == ResultsModel::Order::Score ? ResultsModel::Order::TakenDate : wanted;
    order_->setCurrentIndex(order_->findData(static_cast<int>(shown)));
}

void GridControls::showThumbnailEdge(int edge) {
    const QSignalBlocker quiet(size_);
    size_->setValue(edge);
}

}  // namespace abc::ui
