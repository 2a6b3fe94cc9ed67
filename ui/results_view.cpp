#include "ui/results_view.h"

#include <QKeyEvent>
#include <QShortcut>
#include <QWheelEvent>
#include <algorithm>

#include "ui/result_tile_delegate.h"
#include "ui/results_model.h"

namespace abc::ui {

ResultsView::ResultsView(QWidget* parent) : QListView(parent) {
    setObjectName(QStringLiteral("resultsView"));
    setAccessibleName(tr("Search results"));
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Dragged out only: a photo dropped back on the grid has nowhere to go.
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setSpacing(4);
    setMouseTracking(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(false);
}

void ResultsView::enterFrom(QWidget* field) {
    for (const QKeySequence& key : {QKeySequence(Qt::Key_Down), QKeySequence(Qt::Key_PageDown)}) {
        auto* shortcut = new QShortcut(key, field);
        shortcut->setContext(Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, [this] {
            if (!model() || model()->rowCount() == 0)
                return;
            setFocus(Qt::ShortcutFocusReason);
            if (!currentIndex().isValid())
                setCurrentIndex(model()->index(0, 0));
        });
    }
}

void ResultsView::keyPressEvent(QKeyEvent* event) {
    const bool previewKey = event->key() == Qt::Key_Space || event->key() == Qt::Key_Return ||
                            event->key() == Qt::Key_Enter;
    if (previewKey && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier &&
        currentIndex().isValid()) {
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

QStringList ResultsView::selectedPaths() const {
    QModelIndexList rows =
        selectionModel() ? selectionModel()->selectedIndexes() : QModelIndexList();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList paths;
    for (const QModelIndex& row : rows)
        paths << row.data(ResultsModel::PathRole).toString();
    return paths;
}

int ResultsView::thumbnailEdge() const {
    const auto* tiles = qobject_cast<ResultTileDelegate*>(itemDelegate());
    return tiles ? tiles->thumbnailEdge() : 0;
}

void ResultsView::setThumbnailEdge(int edge) {
    auto* tiles = qobject_cast<ResultTileDelegate*>(itemDelegate());
    edge = std::clamp(edge, kSmallestThumbnail, kLargestThumbnail);
    if (!tiles || tiles->thumbnailEdge() == edge)
        return;
    tiles->setThumbnailEdge(edge);
    // Uniform item sizes are cached: the view asks the delegate again only after a re-layout.
    doItemsLayout();
    if (currentIndex().isValid())
        scrollTo(currentIndex());
    emit thumbnailEdgeChanged(edge);
}

void ResultsView::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        // One notch (120) grows or shrinks the tiles by 16 px, as photo viewers zoom.
        const int notches = event->angleDelta().y() / 120;
        if (notches != 0)
            setThumbnailEdge(thumbnailEdge() + 16 * notches);
        event->accept();
        return;
    }
    QListView::wheelEvent(event);
}

}  // namespace abc::ui
