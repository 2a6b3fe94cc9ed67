#include "ui/results_view.h"

#include <QKeyEvent>

namespace abc::ui {

ResultsView::ResultsView(QWidget* parent) : QListView(parent) {
    setObjectName(QStringLiteral("resultsView"));
    setAccessibleName(tr("Search results"));
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSpacing(4);
    setMouseTracking(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(false);
}

void ResultsView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && currentIndex().isValid()) {
        emit previewRequested(currentIndex());
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

void ResultsView::paintEvent(QPaintEvent* event) {
    QListView::paintEvent(event);
    if (paintPending_) {
        paintPending_ = false;
        emit resultsPainted();
    }
}

}  // namespace abc::ui
